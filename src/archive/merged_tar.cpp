// write_merged_tar and write_changes_tar: the two tars that read a
// container's file system rather than one layer dir.
#include "kayak/archive/rootfs_tar.hpp"

#include "extract_root.hpp"
#include "tar_entry_writer.hpp"

#include "kayak/archive/merged_tree.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"

#include <fcntl.h>

namespace kayak::archive {

namespace {

void write_merged_dir(detail::TarEntryWriter& tar, const MergedDir& dir, const std::string& prefix) {
  for (const auto& entry : dir.list()) {
    std::string rel = prefix + entry.name;
    tar.write(entry.dir_fd, entry.name, rel, entry.st);
    if (S_ISDIR(entry.st.st_mode)) write_merged_dir(tar, dir.subdir(entry.name), rel + "/");
  }
}

}  // namespace

void write_merged_tar(const std::vector<std::string>& layer_roots, Writer& out) {
  // The opaque marker xattr is dropped with every other overlay xattr.
  detail::TarEntryWriter tar(out, "trusted.overlay.opaque", std::nullopt);
  write_merged_dir(tar, MergedDir(layer_roots), "");
  tar.finish();
}

void write_changes_tar(const std::string& root, const std::vector<ChangedPath>& changes, int64_t now,
                       Writer& out) {
  UniqueFd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) fail_errno("open {}", root);
  detail::TarEntryWriter tar(out, "trusted.overlay.opaque", std::nullopt);
  for (const auto& change : changes) {
    std::string rel = detail::clean_entry_path(change.path);
    if (rel.empty()) continue;  // the root itself is never an entry of a layer
    auto [parent, name] = detail::split_entry_path(rel);
    std::string prefix = parent.empty() ? "" : parent + "/";
    if (change.deleted) {
      tar.write_marker(prefix + ".wh." + name, {.mode = 0644, .mtime = now});
      continue;
    }
    UniqueFd dir(detail::open_in_root(root_fd.get(), parent, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir) fail_errno("open {}", parent.empty() ? "/" : "/" + parent);
    struct stat st;
    if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) fail_errno("stat /{}", rel);
    tar.write(dir.get(), name, rel, st);
  }
  tar.finish();
}

}  // namespace kayak::archive
