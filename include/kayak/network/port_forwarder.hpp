// kayak's own forwarder for published ports: listens on the host side and
// connects inside the container's network namespace.
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
// it does.
std::unique_ptr<PortForwarder> start_port_forwarder(std::vector<HostListener> listeners, const NetworkRequest& request,
                                                    pid_t init_pid);

}  // namespace kayak::network
