// Batch verbs (stop a b c): one result per named container, so a failure
// does not stop or hide the others.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace kayak::commands {

// `line` is what Docker prints on success.
struct ContainerItem {
  std::string target;
  std::string line;
  std::string error;     // empty on success
  int exit_code = 0;     // of the command for this item when it failed
  bool missing = false;  // failed because the container does not exist
};

// fn(target) for each target in order; what it returns is the item's line,
// an Error it throws the item's error (missing for a NotFoundError).
std::vector<ContainerItem> for_each_target(const std::vector<std::string>& targets,
                                           const std::function<std::string(const std::string&)>& fn);

}  // namespace kayak::commands
