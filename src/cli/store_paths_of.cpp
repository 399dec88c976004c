#include "store_paths_of.hpp"

namespace kayak::cli {

store::StorePaths paths_of(const Invocation& inv) {
  return store::resolve_paths(inv.global().root, inv.global().runroot);
}

}  // namespace kayak::cli
