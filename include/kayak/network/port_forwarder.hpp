// kayak's own forwarder for published ports: listens on the host side and
// connects inside the container's network namespace.
#pragma once

#include "kayak/network/container_network.hpp"

#include <memory>

namespace kayak::network {

class PortForwarder {
public:
  virtual ~PortForwarder() = default;
};

// Starts forwarding request.ports into the namespace of init_pid; throws
// (with nothing left listening) when a host port cannot be bound.
std::unique_ptr<PortForwarder> start_port_forwarder(const NetworkRequest& request, pid_t init_pid);

}  // namespace kayak::network
