// `rm` / `container rm`, and `rename`.
#pragma once

#include "kayak/commands/container_signal.hpp"
#include "kayak/store/context.hpp"

#include <string>
#include <vector>

namespace kayak::commands {

struct ContainerRemoveOptions {
  std::vector<std::string> containers;
  bool force = false;    // kill a running container first
  bool volumes = false;  // also remove its anonymous volumes
  bool all = false;      // every container
};

// One item per container; line is the name/ID as typed (the full ID for --all).
std::vector<ContainerItem> remove_containers(store::Context& ctx, const ContainerRemoveOptions& options);

void rename_container(store::Context& ctx, const std::string& target, const std::string& new_name);

}  // namespace kayak::commands
