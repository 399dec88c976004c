// Published TCP ports served by the container's own server, with nothing
// in between (the forwarder's relay costs a third busy process and a second
// trip through TCP per byte).
//
// The init installs a filter that stops every bind(2) for us
// (runtime::ContainerSpec::bind_notify_socket) and sends us its listener.
// When a server binds a published port's container port on the wildcard
// address (0.0.0.0:80, [::]:80) we make a socket of the same kind in the
// host's network namespace, bind it to the published host address, listen
// on it, and put it in place of the server's socket (SECCOMP_ADDFD); the
// bind returns 0. The server then accepts host clients itself. Every other
// bind goes on to the kernel unchanged.
//
// Until then, and for what the server's socket does not cover, the
// forwarder still relays:
//   - before the bind, the host port is the forwarder's (bound at start,
//     so it is never free for someone else), relayed inside as before;
//   - a family the server did not take (it bound 0.0.0.0 only: the [::]
//     half of the port) is relayed to the server's host socket;
//   - the container's own clients of 127.0.0.1:CTR (a health check, a
//     `--network container:` neighbour) reach a listener the forwarder
//     opens on CTR inside, relayed to the server's host socket.
//
// What a server sees differently: getsockname() names the host port, and
// peers are the host's clients themselves.
#pragma once

#include "event_loop.hpp"
#include "host_socket_maker.hpp"
#include "tcp_relay.hpp"

#include "kayak/network/port_spec.hpp"
#include "kayak/util/fd.hpp"

#include <netinet/in.h>

#include <memory>
#include <optional>
#include <vector>

struct seccomp_notif;

namespace kayak::network {

// The forwarder's side of one published TCP port.
struct TcpPort {
  PortBinding binding;  // host port fixed
  std::vector<std::unique_ptr<TcpListener>> host_listeners;
  // Once the server holds the port: where relayed clients reach it on the
  // host, and the listener for the container's own clients.
  std::optional<sockaddr_storage> server;
  std::unique_ptr<TcpListener> inside;
};

// Where a relayed client of `port` goes now: inside to 127.0.0.1:CTR, or
// to the server's host socket once it has one (made by `host`, null when
// nothing is redirected).
Connector connector_for(const TcpPort& port, HostSocketMaker* host);

class BindRedirector : public EventHandler {
public:
  // channel: the init's end of the socket pair sends the listener (or
  // closes without one: nothing to redirect).
  BindRedirector(EventLoop& loop, UniqueFd channel, std::vector<std::unique_ptr<TcpPort>>& ports,
                 HostSocketMaker& host);
  void on_event(int fd, uint32_t events) override;

private:
  void receive_listener();
  void handle_notification();
  // 0: the server's socket was replaced; > 0: the errno its bind returns;
  // < 0: nothing done, the bind goes on to the kernel.
  // pid: the caller's process; server_copy: our copy of its socket.
  int hand_over(TcpPort& port, const seccomp_notif& request, pid_t pid, int server_copy, int family, bool v6only);
  void add_host_listeners(TcpPort& port, int families);
  void open_inside_listener(TcpPort& port);
  void respond(uint64_t id, int error, bool go_on);

  EventLoop& loop_;
  UniqueFd channel_, listener_;
  Watch channel_watch_, listener_watch_;
  std::vector<std::unique_ptr<TcpPort>>& ports_;
  HostSocketMaker& host_;
  size_t request_size_ = 0, response_size_ = 0;
};

}  // namespace kayak::network
