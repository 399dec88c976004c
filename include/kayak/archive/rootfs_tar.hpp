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

namespace kayak::archive {

// `cp` out of a file system: writes the entry at `path` and, for a
// directory, everything below it. `path` is resolved inside root_fd
// (RESOLVE_IN_ROOT: "..", absolute symlinks and symlinks in the path stay
// inside the root); a symlink as the last component is stored as a
// symlink unless follow_last, then it is followed (inside the root too).
// The top entry is named `name` in the tar; with an empty name only the
// directory's content is written (Docker's "SRC/." form). Throws with
// "No such file or directory" (exit 1 is the caller's choice) when absent.
void write_path_tar(int root_fd, const std::string& path, const std::string& name, bool follow_last, Writer& out);

// openat2(root_fd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS):
// the safe way to reach a path of a container's tree. -1 with errno set.
int open_inside(int root_fd, const std::string& path, int flags);

// Resolves the symlinks of the last component of path inside root_fd, as
// the kernel would with RESOLVE_IN_ROOT; returns the cleaned path of what
// it finally names (which may not exist). Other components are left to
// open_in_root.
std::string resolve_last_link(int root_fd, const std::string& path);

}  // namespace kayak::archive
