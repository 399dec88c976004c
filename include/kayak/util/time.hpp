// Timestamps as images and containers record them: RFC 3339 with
// nanoseconds in UTC ("2024-01-02T03:04:05.123456789Z").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kayak::timeutil {

// Nanoseconds since the Unix epoch.
int64_t now_ns();
// Go's time.RFC3339Nano: the fraction without trailing zeros, none at all
// on a whole second ("2024-01-02T03:04:05Z").
std::string format_rfc3339_nano(int64_t ns_since_epoch);
// The fraction always nine digits ("...:05.000000000Z"), as conmon writes
// k8s-file log lines: every stamp has the same width.
std::string format_rfc3339_nano_fixed(int64_t ns_since_epoch);
// Accepts RFC 3339 with optional fraction and Z or +hh:mm offset.
std::optional<int64_t> parse_rfc3339(std::string_view text);

}  // namespace kayak::timeutil
