#include "extract_metadata.hpp"

#include "kayak/util/error.hpp"

#include <archive.h>
#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace kayak::archive::detail {

namespace {

timespec valid_time(time_t sec, long nsec) { return {sec, nsec >= 0 && nsec < 1000000000 ? nsec : 0}; }

void entry_times(struct archive_entry* e, timespec times[2]) {
  times[1] = valid_time(archive_entry_mtime(e), archive_entry_mtime_nsec(e));
  times[0] = archive_entry_atime_is_set(e) ? valid_time(archive_entry_atime(e), archive_entry_atime_nsec(e)) : times[1];
}

bool is_overlay_private_xattr(const char* name) {
  // Overlay's own bookkeeping (opaque, redirect, origin, metacopy) in a
  // layer would let it steer the mount; opaqueness is expressed by
  // .wh..wh..opq entries instead.
  return std::strncmp(name, "trusted.overlay.", 16) == 0 || std::strncmp(name, "user.overlay.", 13) == 0;
}

std::string id_range(uint64_t limit) { return limit == 0 ? "none" : fmt::format("0-{}", limit - 1); }

}  // namespace

void MetadataWriter::apply(struct archive_entry* e, const std::string& path, const Target& t, mode_t mode) {
  owner(e, path, t);
  xattrs(e, path, t);
  mode_and_times(e, path, t, mode);
}

bool MetadataWriter::owner_for(struct archive_entry* e, const std::string& path, Owner& owner) {
  if (!opt_.chown || opt_.plain) return false;
  bool squashed = false;
  auto check = [&](la_int64_t id, uint64_t limit, bool is_gid) -> uint32_t {
    // (uid_t)-1 means "leave unchanged" to chown: never a real owner.
    if (id >= 0 && static_cast<uint64_t>(id) < limit && static_cast<uint64_t>(id) < UINT32_MAX) {
      return static_cast<uint32_t>(id);
    }
    if (opt_.out_of_range == OutOfRangeIds::Fail) {
      fail("layer file {} is owned by {} {}, which is outside the available ID mapping ({})", shown_path(path),
           is_gid ? "gid" : "uid", id, id_range(limit));
    }
    if (result_.squashed == 0 && !squashed) {
      result_.first_squashed_path = shown_path(path);
      result_.first_squashed_id = static_cast<uint64_t>(id);
      result_.first_squashed_is_gid = is_gid;
    }
    squashed = true;
    return 0;
  };
  owner.uid = check(archive_entry_uid(e), opt_.uid_limit, false);
  owner.gid = check(archive_entry_gid(e), opt_.gid_limit, true);
  if (squashed) ++result_.squashed;
  return true;
}

void MetadataWriter::owner(struct archive_entry* e, const std::string& path, const Target& t) {
  Owner o;
  if (!owner_for(e, path, o)) return;
  int rc = t.fd >= 0 ? ::fchown(t.fd, o.uid, o.gid)
                     : ::fchownat(t.dir_fd, t.name.c_str(), o.uid, o.gid,
                                  AT_SYMLINK_NOFOLLOW | (t.name.empty() ? AT_EMPTY_PATH : 0));
  if (rc != 0) fail_errno("chown {} to {}:{}", shown_path(path), o.uid, o.gid);
}

void MetadataWriter::xattrs(struct archive_entry* e, const std::string& path, const Target& t) {
  if (!opt_.xattrs || opt_.plain || archive_entry_xattr_reset(e) == 0) return;
  const char* key = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  std::string proc;
  while (archive_entry_xattr_next(e, &key, &value, &size) == ARCHIVE_OK) {
    if (is_overlay_private_xattr(key)) continue;
    int rc;
    if (t.fd >= 0) {
      rc = ::fsetxattr(t.fd, key, value, size, 0);
    } else {
      if (proc.empty()) proc = fd_path(t.dir_fd, t.name);
      // The directory part is our own fd; the last component is the entry
      // itself and is not followed (lsetxattr), except for "" where the
      // path is the directory's own magic link.
      rc = t.name.empty() ? ::setxattr(proc.c_str(), key, value, size, 0)
                          : ::lsetxattr(proc.c_str(), key, value, size, 0);
    }
    if (rc == 0) continue;
    // Namespaces we may not write (trusted.*, security.* without the
    // capability, user.* on symlinks): a warning, not a failed layer.
    if (errno == EPERM || errno == ENOTSUP || errno == EACCES || errno == EINVAL) {
      auto& failure = xattr_failures_[fmt::format("{} ({})", key, std::strerror(errno))];
      if (failure.count++ == 0) failure.example = shown_path(path);
      continue;
    }
    fail_errno("set xattr {} on {}", key, shown_path(path));
  }
}

void MetadataWriter::mode_and_times(struct archive_entry* e, const std::string& path, const Target& t, mode_t mode) {
  mode &= opt_.plain ? 0777 : 07777;
  if (!t.is_symlink) {
    // fchmodat's AT_SYMLINK_NOFOLLOW (glibc: O_PATH + /proc) never follows
    // the final component.
    int rc = t.fd >= 0 ? ::fchmod(t.fd, mode) : ::fchmodat(t.dir_fd, t.name.c_str(), mode, AT_SYMLINK_NOFOLLOW);
    if (rc != 0) fail_errno("chmod {}", path);
  }
  timespec times[2];
  entry_times(e, times);
  int rc = t.fd >= 0 ? ::futimens(t.fd, times) : ::utimensat(t.dir_fd, t.name.c_str(), times, AT_SYMLINK_NOFOLLOW);
  if (rc != 0) fail_errno("set times of {}", path);
}

void MetadataWriter::defer_directory(struct archive_entry* e, const std::string& path) {
  DeferredDir d{.path = path, .mode = archive_entry_perm(e), .times = {}};
  d.mode &= opt_.plain ? 0777 : 07777;
  entry_times(e, d.times);
  auto [it, inserted] = deferred_index_.try_emplace(path, deferred_.size());
  if (inserted) {
    deferred_.push_back(std::move(d));
  } else {
    deferred_[it->second] = std::move(d);
  }
}

void MetadataWriter::finish() {
  finish_directories();
  for (const auto& [what, failure] : xattr_failures_) {
    if (failure.count == 1) {
      result_.warnings.push_back(fmt::format("could not set xattr {} on {}", what, failure.example));
    } else {
      result_.warnings.push_back(
        fmt::format("could not set xattr {} on {} files, e.g. {}", what, failure.count, failure.example));
    }
  }
}

// Deepest first, so a parent made read-only (or unsearchable) comes after
// everything below it.
void MetadataWriter::finish_directories() {
  auto depth = [](const std::string& p) { return p.empty() ? 0 : 1 + std::count(p.begin(), p.end(), '/'); };
  std::stable_sort(deferred_.begin(), deferred_.end(),
                   [&](const DeferredDir& a, const DeferredDir& b) { return depth(a.path) > depth(b.path); });
  deferred_index_.clear();
  for (const auto& d : deferred_) {
    root_.new_entry();
    if (d.path.empty()) {
      std::string p = fd_path(root_.fd());
      if (::chmod(p.c_str(), d.mode) != 0) fail_errno("chmod /");
      if (::utimensat(AT_FDCWD, p.c_str(), d.times, 0) != 0) fail_errno("set times of /");
      continue;
    }
    auto [parent, name] = split_entry_path(d.path);
    int dir_fd = root_.try_dir(parent);
    struct stat st;
    // Replaced by a non-directory later in the tar: nothing to do.
    if (dir_fd < 0 || ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) {
      continue;
    }
    if (::fchmodat(dir_fd, name.c_str(), d.mode, AT_SYMLINK_NOFOLLOW) != 0) fail_errno("chmod {}", d.path);
    if (::utimensat(dir_fd, name.c_str(), d.times, AT_SYMLINK_NOFOLLOW) != 0) fail_errno("set times of {}", d.path);
  }
  deferred_.clear();
}

}  // namespace kayak::archive::detail
