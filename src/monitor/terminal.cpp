#include "kayak/monitor/terminal.hpp"

#include <unistd.h>

namespace kayak::monitor {

RawTerminal::RawTerminal(int fd) {
  if (!::isatty(fd) || ::tcgetattr(fd, &saved_) != 0) return;
  struct termios raw = saved_;
  ::cfmakeraw(&raw);
  // Keep output post-processing off too: the container's pty already
  // turns "\n" into "\r\n".
  if (::tcsetattr(fd, TCSADRAIN, &raw) == 0) fd_ = fd;
}

RawTerminal::~RawTerminal() {
  if (fd_ >= 0) ::tcsetattr(fd_, TCSADRAIN, &saved_);
}

}  // namespace kayak::monitor
