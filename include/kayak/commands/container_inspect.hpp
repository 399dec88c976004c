// `container inspect` and the container half of the top-level `inspect`:
// Docker's container JSON (ContainerJSON), fields in Docker's order.
#pragma once

#include "kayak/commands/image_inspect.hpp"  // InspectItem
#include "kayak/store/container.hpp"
#include "kayak/store/context.hpp"
#include "kayak/util/json.hpp"

#include <optional>
#include <string>
#include <vector>

namespace kayak::commands {

// size_rw: with -s, the writable layer's bytes (SizeRw, SizeRootFs shown).
json::Value inspect_container(const store::ContainerStore& containers, const store::ContainerConfig& config,
                              const store::ContainerState& state, std::optional<int64_t> size_rw = std::nullopt,
                              int64_t image_size = 0);

// The object as Go templates see Docker's typed struct: null lists print
// "[]" (Config's, HostConfig's, ExecIDs), null maps "map[]".
json::Value container_template_view(const json::Value& inspect_object);

// One item per target; error "No such container: X" for unknown ones.
std::vector<InspectItem> inspect_containers(store::Context& ctx, const std::vector<std::string>& targets, bool size);

// Bytes in a container's writable layer (measured in the store's user
// namespace).
int64_t container_rw_size(store::Context& ctx, const std::string& id);

}  // namespace kayak::commands
