// The times `logs --since` and `--until` accept, as Docker does: a Go
// duration before now ("10m", "1h30m", "1.5s"), an RFC 3339 timestamp
// (with or without fraction and zone; without a zone it is local time), a
// date ("2026-11-28"), or a Unix timestamp ("1764306000", "1764306000.5").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kayak::monitor {

// Go's time.ParseDuration: "300ms", "-1.5h", "2h45m"; nullopt when invalid.
std::optional<int64_t> parse_go_duration(std::string_view text);

// Nanoseconds since the epoch; throws kayak::Error naming the text when it
// is none of the forms above.
int64_t parse_log_time_filter(std::string_view text, int64_t now_ns);

}  // namespace kayak::monitor
