// The caller's terminal in raw mode for as long as this object lives, so
// keys reach the container's pty unchanged; the old mode comes back on
// every way out (return, exception).
#pragma once

#include <termios.h>

namespace kayak::monitor {

class RawTerminal {
public:
  // Does nothing when fd is not a terminal.
  explicit RawTerminal(int fd);
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

private:
  int fd_ = -1;
  struct termios saved_ {};
};

}  // namespace kayak::monitor
