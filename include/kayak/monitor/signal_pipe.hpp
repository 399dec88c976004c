// Signals as bytes on a pipe (the self-pipe trick): the handler only writes
// the signal number, and the monitor's poll loop reads it like any other
// input. Handlers are restored when the object goes away.
#pragma once

#include "kayak/util/fd.hpp"

#include <signal.h>

#include <vector>

namespace kayak::monitor {

class SignalPipe {
public:
  explicit SignalPipe(const std::vector<int>& signals);
  ~SignalPipe();
  SignalPipe(const SignalPipe&) = delete;
  SignalPipe& operator=(const SignalPipe&) = delete;

  int fd() const { return read_.get(); }
  // Signals that arrived since the last call, in order.
  std::vector<int> drain();

private:
  UniqueFd read_;
  UniqueFd write_;
  std::vector<std::pair<int, struct sigaction>> saved_;
};

// Makes a write to a closed pipe or socket fail with EPIPE instead of
// killing us. A no-op handler rather than SIG_IGN: an ignored signal stays
// ignored across execve, and the container must get the default.
void survive_sigpipe();

}  // namespace kayak::monitor
