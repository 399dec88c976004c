// The client side of attach (run -it, start -a, attach): relays the
// caller's stdin to the monitor and the container's output to the caller's
// stdout and stderr, puts the caller's terminal in raw mode for a tty
// container (restored on every way out), sends the window size at start and
// on SIGWINCH, forwards signals (--sig-proxy), and watches stdin for the
// detach keys.
#pragma once

#include "kayak/util/fd.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace kayak::monitor {

// "ctrl-p,ctrl-q" (Docker's --detach-keys syntax: single characters and
// ctrl-<a-z, @, [, \, ], ^, _>) as bytes; "" disables detaching. Throws on
// an invalid sequence.
std::string parse_detach_keys(std::string_view text);

// Finds the detach sequence in a byte stream cut anywhere: bytes that could
// start the sequence are held back until it is clear whether they do.
class DetachMatcher {
public:
  explicit DetachMatcher(std::string keys) : keys_(std::move(keys)) {}
  // Returns the bytes to pass on; sets detached when the sequence is complete.
  std::string feed(std::string_view input, bool& detached);

private:
  std::string keys_;
  size_t matched_ = 0;
};

struct AttachOptions {
  bool tty = false;         // the container has a pty
  bool attach_stdin = true; // relay our stdin (-i / not --no-stdin)
  bool sig_proxy = true;
  std::string detach_keys = "\x10\x11";  // ctrl-p ctrl-q
  int in = 0;
  int out = 1;
  int err = 2;
};

struct AttachResult {
  bool detached = false;
  int exit_code = 0;  // the container's, when not detached
};

// Connects to a monitor's attach socket (<runroot>/containers/<id>/attach).
UniqueFd connect_attach_socket(const std::string& path);

// Runs until the container exits (the monitor's Exit frame) or the user
// detaches. Throws when the monitor goes away without an exit code.
AttachResult attach_session(UniqueFd connection, const AttachOptions& options);

}  // namespace kayak::monitor
