// `save`: write images to a docker-archive or oci-archive.
#pragma once

#include "kayak/store/store.hpp"

#include <string>
#include <vector>

namespace kayak::commands {

struct SaveOptions {
  std::vector<std::string> images;  // names, IDs, or repositories (all their tags)
  std::string output;               // "" = stdout
  std::string format = "docker-archive";  // or "oci-archive"
};

void save_images(store::Store& store, const SaveOptions& options);

}  // namespace kayak::commands
