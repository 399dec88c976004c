// A stack of layer directories seen as one tree, the way overlayfs shows
// it: the top-most layer holding a name wins; a whiteout hides the name in
// every layer below; an opaque directory hides the content of the same
// directory in every layer below.
//
// Both on-disk whiteout styles are recognised, whatever the driver, so the
// same code reads kernel-overlay layers, fuse-overlayfs upper dirs (which
// may hold either) and aufs-style layer dirs:
//   whiteout: a character device 0:0 named NAME, or a file ".wh.NAME";
//   opaque:   xattr trusted.overlay.opaque, user.overlay.opaque or
//             user.fuseoverlayfs.opaque = "y", or a file ".wh..wh..opq".
// Names starting with ".wh." are never shown as entries.
//
// Everything is read through O_PATH directory fds and *at() calls that do
// not follow the final component, so symlinks inside the layers are never
// followed.
#pragma once

#include "kayak/util/fd.hpp"

#include <sys/stat.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kayak::archive {

// True for an overlay whiteout (character device 0:0).
bool is_whiteout_node(const struct stat& st);
// True when the directory open at dir_fd is marked opaque (xattr or
// ".wh..wh..opq" inside).
bool is_opaque_dir(int dir_fd);

struct MergedEntry {
  std::string name;
  int dir_fd = -1;     // the directory (in the winning layer) that holds it;
                       // valid while the MergedDir it came from lives
  size_t layer = 0;    // index of the winning layer, 0 = top
  struct stat st {};
};

// One directory of the merged tree: the same directory in each layer that
// contributes to it, top first.
class MergedDir {
public:
  MergedDir() = default;  // no layer has this directory
  // The roots of the layers, top first. A missing root counts as empty.
  explicit MergedDir(const std::vector<std::string>& layer_roots);

  bool empty() const { return dirs_.empty(); }
  // The visible entry called name, if any.
  std::optional<MergedEntry> find(const std::string& name) const;
  // Every visible entry, sorted by name.
  std::vector<MergedEntry> list() const;
  // The merged view of child directory `name` (empty when it is not a
  // visible directory).
  MergedDir subdir(const std::string& name) const;

private:
  struct Layer {
    std::shared_ptr<UniqueFd> fd;
    size_t index = 0;
  };
  // Whether name is whited out in this layer's directory.
  static bool whited_out(int dir_fd, const std::string& name);

  std::vector<Layer> dirs_;
};

}  // namespace kayak::archive
