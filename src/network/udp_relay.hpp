// UDP forwarding inside the forwarder process: datagrams arriving on the
// host socket go out of a socket of their own per client address, made in
// the container's namespace and connected to 127.0.0.1:CTRPORT; replies on
// it go back to that client. Idle client sockets close after a while.
#pragma once

#include "event_loop.hpp"
#include "kayak/util/fd.hpp"

#include <sys/socket.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace kayak::network {

class UdpSession;

class UdpRelay : public EventHandler {
public:
  UdpRelay(EventLoop& loop, UniqueFd host_socket, uint16_t container_port);
  ~UdpRelay() override;
  void on_event(int fd, uint32_t events) override;
  // Drops client sockets idle for longer than the timeout.
  void sweep();
  int host_fd() const { return fd_.get(); }

private:
  UdpSession* session_for(const sockaddr_storage& client, socklen_t length);

  EventLoop& loop_;
  UniqueFd fd_;
  uint16_t container_port_;
  Watch watch_;
  std::map<std::string, std::unique_ptr<UdpSession>> sessions_;  // by the client's address bytes
};

}  // namespace kayak::network
