// `load` and `pull` from local transports: bring images from archives and
// OCI layouts into the store.
#pragma once

#include "kayak/store/context.hpp"

#include <string>
#include <vector>

namespace kayak::commands {

struct LoadOptions {
  std::string input;  // file; "" = stdin
  bool quiet = false;
};

struct LoadReport {
  std::vector<std::string> loaded_names;  // familiar: "busybox:latest"
  std::vector<std::string> loaded_ids;    // "sha256:..." of untagged images
};

LoadReport load_images(store::Context& ctx, const LoadOptions& options);

struct PullOptions {
  std::string source;  // "oci:DIR[:REF]", "oci-archive:FILE[:REF]", "docker-archive:FILE[:REF]"
  bool quiet = false;
};

struct PullReport {
  std::vector<std::string> names;  // familiar names given to the pulled image(s)
  std::vector<std::string> ids;    // full image IDs (hex)
};

PullReport pull_image(store::Context& ctx, const PullOptions& options);

}  // namespace kayak::commands
