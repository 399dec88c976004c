// Signal names as users type them (`kill -s`, `--stop-signal`, image
// STOPSIGNAL): "SIGTERM", "TERM", "term", "15", and SIGRTMIN+n forms.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kayak::sig {

// The signal number, or nullopt when text names no signal.
std::optional<int> parse(std::string_view text);

// "SIGTERM" for 15; "SIGRTMIN+3" for real-time ones; the number otherwise.
std::string name(int signal);

}  // namespace kayak::sig
