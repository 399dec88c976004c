// TCP forwarding inside the forwarder process: a listener accepts on the
// host and, per connection, connects to 127.0.0.1:CTRPORT in the
// container's network namespace (the process's namespace by then), then
// moves bytes both ways with splice through a pipe per direction (no copy
// through user space), passing each side's end on as a half-close.
#pragma once

#include "event_loop.hpp"
#include "kayak/util/fd.hpp"

#include <cstdint>
#include <memory>

namespace kayak::network {

class TcpListener : public EventHandler {
public:
  TcpListener(EventLoop& loop, UniqueFd listener, uint16_t container_port);
  void on_event(int fd, uint32_t events) override;

private:
  EventLoop& loop_;
  UniqueFd fd_;
  uint16_t container_port_;
  Watch watch_;
};

}  // namespace kayak::network
