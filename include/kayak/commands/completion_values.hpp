// Names a shell completes from the store when Tab is pressed (kayak
// __complete): containers, images, volumes. Only reads: no store lock (the
// files read are replaced atomically, so a read sees a whole old or a whole
// new version), no pull, and nothing is created when the store is missing.
#pragma once

#include "kayak/store/paths.hpp"

#include <string>
#include <vector>

namespace kayak::commands {

enum class ContainerChoice { Any, Running, Stopped, Paused };

// Container names matching `choice`, then, when `with_ids`, their short IDs.
std::vector<std::string> completion_containers(const store::StorePaths& paths, ContainerChoice choice,
                                               bool with_ids);
// Image names in full ("docker.io/library/busybox:latest") and familiar
// form ("busybox:latest"), then, when `with_ids`, short image IDs.
std::vector<std::string> completion_images(const store::StorePaths& paths, bool with_ids);
// Volume names.
std::vector<std::string> completion_volumes(const store::StorePaths& paths);

}  // namespace kayak::commands
