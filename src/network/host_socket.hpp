// A socket bound to a published port's host address, in the caller's
// network namespace. Errors read as Docker's: "bind 0.0.0.0:8001: address
// already in use".
//
// With no host IP (-p 8080:80) the socket is one dual-stack [::] socket:
// it accepts on 0.0.0.0 and [::] alike (Docker listens on both), and its
// bind fails when the port is taken on either family, so a port is never
// half published. Where the host has no IPv6 it is a plain 0.0.0.0 socket.
// An explicit IPv6 address ([::1], [::]) is IPv6 only.
#pragma once

#include "kayak/network/port_spec.hpp"
#include "kayak/util/fd.hpp"

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>

namespace kayak::network {

// Binds (TCP: and listens on, when listening) binding.host_ip:port with
// the binding's protocol; non-blocking and close-on-exec. reuse_address:
// SO_REUSEADDR, so a port whose last connections linger in TIME_WAIT can
// be published again at once (not for probes, which must see every user).
UniqueFd bind_host_socket(const PortBinding& binding, uint16_t port, bool listening, bool reuse_address);

// `ip` as a socket address of `family` (AF_INET or AF_INET6) on `port`;
// "" is the wildcard address (0.0.0.0, [::]), or with `loopback` the
// loopback address. Nothing when ip is not an address of that family.
std::optional<sockaddr_storage> ip_address(int family, const std::string& ip, uint16_t port, bool loopback = false);

// The length bind(2) and connect(2) take for an ip_address.
socklen_t address_length(const sockaddr_storage& address);

// The port a bound socket got.
uint16_t bound_port(int fd);

// "0.0.0.0:8001", "[::1]:8001": the address as an error about it names it.
std::string socket_address(const PortBinding& binding, uint16_t port);

}  // namespace kayak::network
