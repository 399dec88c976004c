// The container side of a published port: the forwarder, inside the
// container's network namespace, reaches the container's server on
// 127.0.0.1:CTR.
#pragma once

#include "kayak/util/fd.hpp"

#include <cstdint>

namespace kayak::network {

// A non-blocking, close-on-exec socket of `type` (SOCK_STREAM or
// SOCK_DGRAM) connected to 127.0.0.1:port in the current network
// namespace; a TCP connect may still be in progress (its first EPOLLOUT
// ends it). Invalid on failure.
UniqueFd connect_inside(int type, uint16_t port);

}  // namespace kayak::network
