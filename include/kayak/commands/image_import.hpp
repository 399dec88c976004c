// `import`: a root file system tarball becomes a one-layer image.
#pragma once

#include "kayak/store/context.hpp"

#include <string>
#include <vector>

namespace kayak::commands {

struct ImportOptions {
  std::string source;     // file path or "-" for stdin
  std::string reference;  // optional name:tag
  std::vector<std::string> changes;  // Dockerfile instructions: CMD, ENV, ...
  std::string message;
};

// Returns the new image ID ("sha256:...").
std::string import_image(store::Context& ctx, const ImportOptions& options);

}  // namespace kayak::commands
