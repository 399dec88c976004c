// Human-readable sizes, durations and IDs, worded exactly as Docker prints
// them (Docker takes these from its go-units library), so scripts that parse
// `docker images` output read ours too.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kayak::format {

// Decimal units with `precision` significant digits, Go's "%.*g" then the
// unit: 1763328 -> "1.76MB", 4260 -> "4.26kB", 0 -> "0B". Docker's image
// and container tables use precision 3; go-units' plain HumanSize uses 4.
std::string human_size(int64_t bytes, int precision = 3);

// Binary units, four significant digits: 1536 -> "1.5KiB" (go-units BytesSize).
std::string bytes_size(int64_t bytes);

// go-units HumanDuration: "Less than a second", "1 second", "About a minute",
// "3 hours", "2 weeks", ... Negative durations count as less than a second.
std::string human_duration(int64_t nanoseconds);

// The CREATED column: human_duration(now - then) + " ago".
std::string human_since(int64_t then_ns, int64_t now_ns);

// Docker's short ID: drops an algorithm prefix ("sha256:") and keeps 12 chars.
std::string truncate_id(std::string_view id);

}  // namespace kayak::format
