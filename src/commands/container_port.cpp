#include "kayak/commands/container_port.hpp"

#include "kayak/network/port_spec.hpp"
#include "kayak/store/container.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"

namespace kayak::commands {

std::vector<std::string> container_ports(store::Context& ctx, const std::string& target,
                                         const std::optional<std::string>& private_port) {
  store::ContainerStore containers(ctx.store());
  std::string id = containers.resolve(target);
  std::string key;
  if (private_port) {
    key = *private_port;
    if (key.find('/') == std::string::npos) key += "/tcp";
    auto slash = key.find('/');
    auto number = str::parse_uint(key.substr(0, slash));
    if (!number || *number == 0 || *number > 65535) fail("invalid port: {}", *private_port);
    key = std::to_string(*number) + "/" + str::to_lower(key.substr(slash + 1));
  }
  store::ContainerConfig config = containers.config(id);
  store::ContainerState state = containers.state(id);
  bool running = state.status == store::ContainerStatus::Running || state.status == store::ContainerStatus::Paused;
  std::vector<std::string> lines;
  if (running) {
    // The ports as this start bound them (chosen ones included).
    for (const auto& binding : network::parse_publish_all(state.published_ports)) {
      if (!private_port) {
        lines.push_back(binding.container_key() + " -> " + network::host_address(binding));
      } else if (binding.container_key() == key) {
        lines.push_back(network::host_address(binding));
      }
    }
  }
  if (private_port && lines.empty()) fail("No public port '{}' published for {}", key, target);
  return lines;
}

}  // namespace kayak::commands
