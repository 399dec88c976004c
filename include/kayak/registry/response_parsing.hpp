// Reading registry responses: the Link header of paginated lists, the
// Retry-After header, and the error JSON of the distribution spec. Pure
// functions over untrusted text.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace kayak::registry {

// The URL of `<url>; rel="next"` in a Link header (as written: often a
// path relative to the registry), or "" when there is no next page.
std::string next_link(std::string_view link_header);

// Seconds to wait from a Retry-After value: delay-seconds or an HTTP date
// (relative to now); nullopt when absent or unreadable. Never negative.
std::optional<int64_t> retry_after_seconds(std::string_view value, std::time_t now);

// A message a person can act on from an error body
// {"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}:
// "manifest unknown"; "unauthorized: authentication required" when the code
// adds something the message does not say; several joined with "; ".
// "" when the body is not such JSON. Control characters are dropped and
// the result is kept short (the body comes from the registry).
std::string registry_error_message(std::string_view body);

}  // namespace kayak::registry
