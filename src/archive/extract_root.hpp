// The destination of an extraction, seen only through a directory fd.
// Every path from a tar is resolved by the kernel with openat2(...,
// RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): "..", absolute symlinks and
// symlinks full of ".." all stay below the root. Callers then act on the
// final name component with *at() calls that never follow it.
#pragma once

#include "kayak/util/fd.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kayak::archive::detail {

// Normalizes a tar entry name the way the kernel resolves it under
// RESOLVE_IN_ROOT: leading "/", empty and "." components dropped, ".."
// applied lexically and never above the root. "" is the root itself.
std::string clean_entry_path(std::string_view raw);

// Splits a cleaned path into (parent, last component); the root's parent
// is "" with an empty name.
std::pair<std::string, std::string> split_entry_path(const std::string& clean);

// openat2(root, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
// returns -1 with errno set. Throws if the kernel lacks openat2.
int open_in_root(int root_fd, const std::string& path, int flags);

// "/proc/self/fd/N" or "/proc/self/fd/N/name": a path for calls that have
// no *at() form (xattrs). The magic link is our own fd, so following it is
// safe; `name` is a single component.
std::string fd_path(int dir_fd, std::string_view name = {});

class RootDir {
public:
  explicit RootDir(const std::string& path);

  int fd() const { return root_.get(); }

  // An O_PATH fd for the directory at a cleaned path, resolved inside the
  // root. With create_missing, absent directories are made (0755), as
  // Docker does for entries whose parents are not in the tar. Throws when
  // the path exists but is not a directory (or cannot be made one).
  // The fd stays valid until the next call to new_entry().
  int dir(const std::string& clean, bool create_missing);
  // Like dir(), but -1 (errno set) instead of throwing.
  int try_dir(const std::string& clean);

  // Removes `name` (a single component) inside dir_fd, recursively when it
  // is a directory. Symlinks are removed, never followed.
  void remove(int dir_fd, const std::string& name, const std::string& shown);

  // Called before each tar entry: fds handed out for the previous entry
  // may be closed now.
  void new_entry() { retired_.clear(); }

private:
  int create_dirs(const std::string& clean);
  void forget_cached();
  int remember(const std::string& clean, int fd);

  UniqueFd root_;
  // Resolved parent directories; tars list siblings together, so most
  // entries hit. Any removal may change what a path resolves to (a
  // directory replaced by a symlink), so removals drop the whole cache.
  std::unordered_map<std::string, UniqueFd> cache_;
  // Dropped fds are kept open until the entry that may still use them ends.
  std::vector<UniqueFd> retired_;
};

}  // namespace kayak::archive::detail
