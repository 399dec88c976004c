// kayak's own forwarder for published ports: listens on the host side and
// connects inside the container's network namespace. Given the container's
// bind listener (ContainerSpec::bind_notify_socket), it hands a server's
// bind of a published TCP port a socket bound on the host instead, so the
// server accepts host clients itself and nothing is relayed
// (network/bind_redirect.hpp).
#pragma once

#include "kayak/network/container_network.hpp"
#include "kayak/network/port_choice.hpp"

#include <memory>

namespace kayak::network {

class PortForwarder {
public:
  virtual ~PortForwarder() = default;
};

// Starts serving the listeners (bound in the host's namespace) into the
// namespace of init_pid; throws with nothing left listening. The
// forwarder owns the sockets from here: the ports live exactly as long as
// it does. bind_notify: where the init sends its bind listener, or invalid.
std::unique_ptr<PortForwarder> start_port_forwarder(std::vector<HostListener> listeners, const NetworkRequest& request,
                                                    pid_t init_pid, UniqueFd bind_notify);

}  // namespace kayak::network
