// Where a user's store and runtime state live (DESIGN "Storage"):
// flag > environment (KAYAK_ROOT / KAYAK_RUNROOT) > default.
//   root:    $XDG_DATA_HOME/kayak, ~/.local/share/kayak; /var/lib/kayak for root
//   runroot: $XDG_RUNTIME_DIR/kayak, else /tmp/kayak-$UID; /run/kayak for root
// Every command computes the same fallback, so `su` sessions without
// XDG_RUNTIME_DIR agree with each other.
#pragma once

#include <string>

namespace kayak::store {

struct StorePaths {
  std::string root;
  std::string runroot;
};

StorePaths resolve_paths(const std::string& root_flag, const std::string& runroot_flag);

}  // namespace kayak::store
