// `tag`, `rmi` / `image rm`, and `image prune`.
#pragma once

#include "kayak/store/context.hpp"

#include <string>
#include <vector>

namespace kayak::commands {

// Points each target name at the image `source` resolves to.
void tag_image(store::Context& ctx, const std::string& source, const std::vector<std::string>& targets);

struct RemoveOptions {
  std::vector<std::string> images;
  bool force = false;
  bool all = false;
};

// One entry per named image, so one failure does not hide the others.
struct RemoveItem {
  std::string target;
  std::vector<std::string> lines;  // "Untagged: x", "Deleted: sha256:..."
  std::string error;               // empty on success
  int exit_code = 0;
};

std::vector<RemoveItem> remove_images(store::Context& ctx, const RemoveOptions& options);

struct PruneOptions {
  bool all = false;  // every image without a container, not only dangling ones
  std::vector<std::string> filters;
};

struct PruneReport {
  std::vector<std::string> lines;  // "untagged: x", "deleted: sha256:..."
  int64_t reclaimed = 0;           // bytes
};

PruneReport prune_images(store::Context& ctx, const PruneOptions& options);

}  // namespace kayak::commands
