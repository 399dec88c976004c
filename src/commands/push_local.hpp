// push to a local transport (private to commands; see image_push.hpp).
#pragma once

#include "kayak/store/store.hpp"

#include <string>
#include <vector>

namespace kayak::commands {

struct LocalDestination {
  std::string kind;  // "oci", "oci-archive", "docker-archive"
  std::string path;
  std::string ref;   // after the path's ':'; "" when none
};

// "oci:DIR[:REF]" etc.; nullopt-like empty kind when text names no local
// transport. The path ends at the first ':' (the destination need not
// exist yet, so it cannot be probed as pull does).
LocalDestination parse_local_destination(const std::string& text);

// Writes record to dest. names: the image's names to record when dest has
// no REF (familiar form). The caller holds the store's shared lock.
void push_to_local(store::Store& store, const store::ImageRecord& record, const LocalDestination& dest,
                   const std::vector<std::string>& names);

}  // namespace kayak::commands
