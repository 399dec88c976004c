// Host ports for published ports: the checks `create` makes before anything
// is recorded, and the host sockets each start binds, choosing free ports
// (-p CTR, -p IP::CTR, host ranges, -P) as it goes.
#pragma once

#include "kayak/network/port_spec.hpp"
#include "kayak/util/fd.hpp"

#include <string>
#include <vector>

namespace kayak::network {

// What a container publishes: its -p bindings, then with -P every exposed
// port ("80/tcp") that no -p names, on a port to be chosen.
std::vector<PortBinding> ports_to_publish(const std::vector<std::string>& publish, bool publish_all,
                                          const std::vector<std::string>& exposed_ports);

// Fails, before a container is created, when a fixed host port is taken
// ("bind 0.0.0.0:8001: address already in use") or, for a caller other
// than root, below net.ipv4.ip_unprivileged_port_start.
void check_host_ports(const std::vector<PortBinding>& bindings, bool caller_is_root);

// A published port as the forwarder serves it: the binding with its host
// port fixed, and the host socket bound to it (listening, for TCP).
struct HostListener {
  PortBinding binding;
  UniqueFd fd;
};

// Binds a host socket for every binding: port 0 gets a free port from the
// kernel, a host range its first free port, a fixed port that port (else
// "bind 0.0.0.0:8001: address already in use"). A chosen port is never
// let go between its choice and the forwarder serving it, so nothing can
// take it in between; two bindings never get the same port.
std::vector<HostListener> bind_host_ports(const std::vector<PortBinding>& bindings);

// A fixed binding in -p syntax ("127.0.0.1:8001:80/tcp", "[::1]:8001:80/udp",
// "8001:80/tcp"), as recorded in ContainerState::published_ports; it parses
// back to the same binding with parse_publish.
std::string publish_spec(const PortBinding& binding);

// net.ipv4.ip_unprivileged_port_start (1024 when unreadable).
unsigned unprivileged_port_start();

}  // namespace kayak::network
