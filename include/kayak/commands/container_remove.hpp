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
  // -i/--ignore: a container that does not exist (or a missing cidfile) is
  // no error, so a unit's ExecStop can run after the container is gone.
  bool ignore_missing = false;
  // --cidfile: remove the container whose ID the file holds, then the file
  // (so the next `run --cidfile` can write it again).
  std::vector<std::string> cidfiles;
};

// One item per container; line is the name/ID as typed (the full ID for --all).
std::vector<ContainerItem> remove_containers(store::Context& ctx, const ContainerRemoveOptions& options);

void rename_container(store::Context& ctx, const std::string& target, const std::string& new_name);

}  // namespace kayak::commands
