// The store directories an invocation names: --root and --runroot, else
// KAYAK_ROOT/KAYAK_RUNROOT, else the per-user defaults.
#pragma once

#include "kayak/cli/invocation.hpp"
#include "kayak/store/paths.hpp"

namespace kayak::cli {

store::StorePaths paths_of(const Invocation& inv);

}  // namespace kayak::cli
