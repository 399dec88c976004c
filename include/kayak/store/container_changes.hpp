// What changed in a container's file system relative to its image
// (`diff`, and the content of the layer `commit` writes), as Docker reports
// it: A (added), C (changed), D (deleted), one line per path.
#pragma once

#include <string>
#include <vector>

namespace kayak::store {

enum class ChangeKind { Changed, Added, Deleted };

struct Change {
  std::string path;  // absolute: "/etc/passwd"
  ChangeKind kind = ChangeKind::Changed;

  bool operator==(const Change&) const = default;
};

char change_letter(ChangeKind kind);  // 'C', 'A', 'D'

// Overlay drivers (kernel overlay, fuse-overlayfs): the upper dir holds
// exactly what changed. Every entry of the upper dir is reported: a
// whiteout as D; an entry the lower layers (top first) also show as C,
// else A; a directory that equals the lower one (type, mode, owner, mtime)
// is only a copied-up parent and is not reported by itself, but the parent
// directory of every A and D is reported as C (Docker's rule). The lower
// content an opaque directory hides is reported as D, one line per hidden
// top-level name. Listed depth first, names sorted, each parent C just
// before the first change that needs it (Docker's order). A missing upper
// dir (never started) has no changes.
std::vector<Change> upper_changes(const std::string& upper, const std::vector<std::string>& lowers);

// vfs: the container's full copy (rootfs) compared with the image (the
// merged lower layers, top first), Docker's naive diff: C when type, mode,
// owner, device number, symlink target or, for non-directories, size or
// mtime differ; a directory whose content changed is C; a deleted subtree
// is one D line. Listed depth first, names sorted, as the walk finds them.
std::vector<Change> copy_changes(const std::string& rootfs, const std::vector<std::string>& lowers);

}  // namespace kayak::store
