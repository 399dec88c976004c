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

}  // namespace kayak::monitor
