// TCP forwarding inside the forwarder process: a listener accepts and,
// per connection, opens a connection to its target (usually 127.0.0.1:CTR
// in the container's network namespace, the process's namespace by then),
// then moves bytes both ways with splice through a pipe per direction (no
// copy through user space), passing each side's end on as a half-close.
#pragma once

#include "event_loop.hpp"
#include "kayak/util/fd.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace kayak::network {

// Opens a connection to a listener's target: a non-blocking socket whose
// connect may still be in progress, or invalid.
using Connector = std::function<UniqueFd()>;

// Relays client <-> server until both ends are done; owns itself.
void start_tcp_relay(EventLoop& loop, UniqueFd client, UniqueFd server);

class TcpListener : public EventHandler {
public:
  TcpListener(EventLoop& loop, UniqueFd listener, Connector connect);
  void on_event(int fd, uint32_t events) override;
  int fd() const { return fd_.get(); }
  // Where connections accepted from now on go.
  void retarget(Connector connect) { connect_ = std::move(connect); }
  // Accepts every connection queued now, for the caller to relay (before it
  // closes the listener, which would reset them).
  std::vector<UniqueFd> take_queued();

private:
  EventLoop& loop_;
  UniqueFd fd_;
  Connector connect_;
  Watch watch_;
};

}  // namespace kayak::network
