// A socket bound to a published port's host address, in the caller's
// network namespace. Errors read as Docker's: "bind 0.0.0.0:8001: address
// already in use".
#pragma once

#include "kayak/network/port_spec.hpp"
#include "kayak/util/fd.hpp"

#include <cstdint>

namespace kayak::network {

// Binds (TCP: and listens on, when listening) binding.host_ip:port with
// the binding's protocol; non-blocking and close-on-exec. reuse_address:
// SO_REUSEADDR, so a port whose last connections linger in TIME_WAIT can
// be published again at once (not for probes, which must see every user).
UniqueFd bind_host_socket(const PortBinding& binding, uint16_t port, bool listening, bool reuse_address);

// The port a bound socket got.
uint16_t bound_port(int fd);

}  // namespace kayak::network
