// Tars of a container's file system: the merged view of its layers
// (`export`), and the entries that changed in a full copy (`commit` on the
// vfs driver, where no upper dir records the changes).
#pragma once

#include "kayak/util/stream.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kayak::archive {

// Writes every visible entry of the layer stack (roots top first, see
// merged_tree.hpp) as a plain tar: names sorted per directory, parents
// first, no whiteouts, hardlinks kept within a layer.
void write_merged_tar(const std::vector<std::string>& layer_roots, Writer& out);

struct ChangedPath {
  std::string path;      // "/etc/passwd" or "etc/passwd"
  bool deleted = false;  // written as a ".wh." entry
};

// Writes the changed entries found in root as a layer tar, in the order
// given (parents before children: sort by path). Directories are written
// without their content; deletions become ".wh.NAME" entries owned by 0
// with mtime `now`. Paths are resolved inside root (RESOLVE_IN_ROOT), so a
// symlink in the tree never leads the writer outside it.
void write_changes_tar(const std::string& root, const std::vector<ChangedPath>& changes, int64_t now,
                       Writer& out);

}  // namespace kayak::archive
