// `cp`: copying files between a container and the host, either way, or a
// tar stream ("-") in or out.
#pragma once

#include "kayak/store/context.hpp"

#include <string>

namespace kayak::commands {

struct CopyOptions {
  std::string source;       // CONTAINER:PATH, host path, or "-" (tar on stdin)
  std::string destination;  // CONTAINER:PATH, host path, or "-" (tar on stdout)
  bool archive = false;     // -a: keep uid/gid (else files copied in belong to container root)
  bool follow_link = false; // -L: follow a symlink given as the source
};

// One side of a cp argument: container "" for a host path.
struct CopyEndpoint {
  std::string container;
  std::string path;
};
// Docker's rule: an absolute path, or one whose part before the first ':'
// starts with '.', or that has no ':', is a host path; else CONTAINER:PATH.
CopyEndpoint parse_copy_endpoint(const std::string& arg);

void copy(store::Context& ctx, const CopyOptions& options);

}  // namespace kayak::commands
