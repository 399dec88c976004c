// port: a running container's published ports, as Docker prints them.
#pragma once

#include "kayak/store/context.hpp"

#include <optional>
#include <string>
#include <vector>

namespace kayak::commands {

// Lines for `port CONTAINER` ("80/tcp -> 0.0.0.0:8001") or, with
// private_port ("80", "80/udp"), `port CONTAINER 80` ("0.0.0.0:8001").
// A container that is not running has none. A private port with no
// binding is an error in Docker's words.
std::vector<std::string> container_ports(store::Context& ctx, const std::string& target,
                                         const std::optional<std::string>& private_port);

}  // namespace kayak::commands
