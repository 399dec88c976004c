// write_path_tar: one path (and what is below it) of a root as a tar, for `cp`.
#include "kayak/archive/rootfs_tar.hpp"

#include "extract_root.hpp"
#include "tar_entry_writer.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

namespace kayak::archive {

namespace {

void write_tree(detail::TarEntryWriter& tar, int dir_fd, const std::string& name, const std::string& rel,
                const struct stat& st) {
  if (!rel.empty()) tar.write(dir_fd, name, rel, st);
  if (!S_ISDIR(st.st_mode)) return;
  UniqueFd sub(::openat(dir_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!sub) fail_errno("open {}", rel.empty() ? name : rel);
  std::vector<std::string> names = fs::list_dir_at(sub.get(), rel);
  std::sort(names.begin(), names.end());
  std::string prefix = rel.empty() ? "" : rel + "/";
  for (const auto& child : names) {
    struct stat child_st;
    if (::fstatat(sub.get(), child.c_str(), &child_st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // removed while we read
      fail_errno("stat {}", prefix + child);
    }
    write_tree(tar, sub.get(), child, prefix + child, child_st);
  }
}

}  // namespace

int open_inside(int root_fd, const std::string& path, int flags) {
  return detail::open_in_root(root_fd, detail::clean_entry_path(path), flags);
}

std::string resolve_last_link(int root_fd, const std::string& path) {
  std::string clean = detail::clean_entry_path(path);
  for (int hops = 0; hops < 40; ++hops) {
    if (clean.empty()) return clean;
    auto [parent, leaf] = detail::split_entry_path(clean);
    UniqueFd dir(detail::open_in_root(root_fd, parent, O_PATH | O_DIRECTORY));
    if (!dir) return clean;  // the caller reports the missing parent
    char target[4096];
    ssize_t n = ::readlinkat(dir.get(), leaf.c_str(), target, sizeof target);
    if (n < 0) return clean;  // not a symlink (or absent)
    std::string link(target, static_cast<size_t>(n));
    // Absolute targets start at the root; relative ones at the link's directory.
    clean = detail::clean_entry_path(link.starts_with("/") ? link : parent + "/" + link);
  }
  fail("{}: too many levels of symbolic links", path);
}

void write_path_tar(int root_fd, const std::string& path, const std::string& name, bool follow_last, Writer& out) {
  std::string clean = follow_last ? resolve_last_link(root_fd, path) : detail::clean_entry_path(path);
  detail::TarEntryWriter tar(out, "trusted.overlay.opaque", std::nullopt);
  auto [parent, leaf] = detail::split_entry_path(clean);
  UniqueFd dir(detail::open_in_root(root_fd, parent, O_PATH | O_DIRECTORY));
  if (!dir) fail_errno("{}", path);
  struct stat st;
  if (leaf.empty()) {
    // The root itself: only its content can be written.
    if (::fstat(dir.get(), &st) != 0) fail_errno("stat {}", path);
    write_tree(tar, dir.get(), ".", "", st);
  } else {
    if (::fstatat(dir.get(), leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) fail_errno("{}", path);
    write_tree(tar, dir.get(), leaf, name, st);
  }
  tar.finish();
}

}  // namespace kayak::archive
