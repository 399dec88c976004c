// extract_tar: the tar entry loop. All path handling goes through RootDir
// (extract_root.hpp); this file decides what each entry becomes and which
// metadata it gets, in the order the kernel requires: owner, then xattrs
// (chown drops security.capability), then mode (chown drops setuid), then
// times; directories get mode and times last, after their content.
#include "kayak/archive/extract.hpp"

#include "extract_root.hpp"
#include "libarchive_io.hpp"

#include "kayak/util/error.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>

namespace kayak::archive {

namespace {

using detail::RootDir;

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kWhiteoutMetaPrefix = ".wh..wh.";
constexpr std::string_view kOpaqueWhiteout = ".wh..wh..opq";

// The thing an entry became: an open fd (regular files), or a name in a
// directory (everything else; name "" is the directory itself).
struct Target {
  int fd = -1;
  int dir_fd = -1;
  std::string name;
  bool is_symlink = false;
};

struct Owner {
  uid_t uid;
  gid_t gid;
};

struct DeferredDir {
  std::string path;
  mode_t mode;
  timespec times[2];
};

const char* entry_pathname(struct archive_entry* e) {
  // In the C locale libarchive cannot convert UTF-8 pax names to the
  // "locale" and returns null; the raw UTF-8 bytes are what belongs on disk.
  const char* p = archive_entry_pathname(e);
  return p ? p : archive_entry_pathname_utf8(e);
}

const char* entry_symlink(struct archive_entry* e) {
  const char* p = archive_entry_symlink(e);
  return p ? p : archive_entry_symlink_utf8(e);
}

const char* entry_hardlink(struct archive_entry* e) {
  const char* p = archive_entry_hardlink(e);
  return p ? p : archive_entry_hardlink_utf8(e);
}

std::string shown(const std::string& clean) { return clean.empty() ? "/" : clean; }

timespec valid_time(time_t sec, long nsec) { return {sec, nsec >= 0 && nsec < 1000000000 ? nsec : 0}; }

bool is_overlay_private_xattr(const char* name) {
  // Overlay's own bookkeeping (opaque, redirect, origin, metacopy) in a
  // layer would let it steer the mount; opaqueness is expressed by
  // .wh..wh..opq entries instead.
  return std::strncmp(name, "trusted.overlay.", 16) == 0 || std::strncmp(name, "user.overlay.", 13) == 0;
}

std::string id_range(uint64_t limit) { return limit == 0 ? "none" : fmt::format("0-{}", limit - 1); }

class Extractor {
public:
  Extractor(const std::string& dest, const ExtractOptions& options) : root_(dest), opt_(options) {}

  ExtractResult run(Reader& tar) {
    detail::ArchiveReadPtr a(archive_read_new());
    if (!a) fail("out of memory");
    archive_ = a.get();
    // Only tar dialects: the caller decompresses, and nothing else
    // (cpio, zip, ...) is a layer.
    archive_read_support_format_tar(archive_);
    archive_read_support_format_empty(archive_);
    detail::ReaderSource source(tar);
    source_ = &source;
    if (source.open(archive_) != ARCHIVE_OK) source.throw_error(archive_, "read tar");
    for (;;) {
      struct archive_entry* entry = nullptr;
      int r = archive_read_next_header(archive_, &entry);
      if (r == ARCHIVE_EOF) break;
      if (r < ARCHIVE_WARN) source.throw_error(archive_, "read tar");
      root_.new_entry();
      ++result_.entries;
      extract_entry(entry);
    }
    finish_directories();
    report_xattr_failures();
    source.drain_rest();
    return std::move(result_);
  }

private:
  void extract_entry(struct archive_entry* e) {
    const char* raw = entry_pathname(e);
    if (!raw) raw = "";  // libarchive gives null for an empty name: the root
    std::string path = detail::clean_entry_path(raw);
    auto [parent, name] = detail::split_entry_path(path);
    mode_t type = archive_entry_filetype(e);
    const char* hardlink = entry_hardlink(e);

    if (!opt_.plain && opt_.whiteouts == WhiteoutFormat::Overlay && name.starts_with(kWhiteoutPrefix)) {
      return overlay_whiteout(e, path, parent, name);
    }
    if (path.empty()) {
      if (type == AE_IFDIR && !hardlink) return root_directory(e);
      result_.warnings.push_back(fmt::format("skipping tar entry {:?}: it would replace the destination itself", raw));
      return;
    }
    if (hardlink) return make_hardlink(path, parent, name, hardlink);
    switch (type) {
      case AE_IFREG: return make_file(e, path, parent, name);
      case AE_IFDIR: return make_directory(e, path, parent, name);
      case AE_IFLNK: return make_symlink(e, path, parent, name);
      case AE_IFIFO:
      case AE_IFCHR:
      case AE_IFBLK:
        if (!opt_.plain) return make_node(e, path, parent, name, type);
        break;
      default: break;
    }
    result_.warnings.push_back(fmt::format("skipping {} {}", kind_name(type), path));
  }

  static const char* kind_name(mode_t type) {
    switch (type) {
      case AE_IFIFO: return "fifo";
      case AE_IFCHR: return "character device";
      case AE_IFBLK: return "block device";
      case AE_IFSOCK: return "socket";
      default: return "entry of unknown type";
    }
  }

  // ---- entry kinds ----

  void make_file(struct archive_entry* e, const std::string& path, const std::string& parent, const std::string& name) {
    int dir_fd = root_.dir(parent, true);
    // O_EXCL|O_NOFOLLOW: never write through something already there (a
    // symlink, or a hardlink to a file we must not touch); replace it.
    const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    UniqueFd fd(::openat(dir_fd, name.c_str(), flags, 0600));
    if (!fd && errno == EEXIST) {
      root_.remove(dir_fd, name, path);
      dir_fd = root_.dir(parent, true);
      fd.reset(::openat(dir_fd, name.c_str(), flags, 0600));
    }
    if (!fd) fail_errno("create {}", path);
    write_content(e, fd.get(), path);
    Target t{.fd = fd.get(), .dir_fd = dir_fd, .name = name};
    apply_metadata(e, path, t, archive_entry_perm(e));
    if (::close(fd.release()) != 0) fail_errno("close {}", path);
  }

  void write_content(struct archive_entry* e, int fd, const std::string& path) {
    uint64_t end = 0;
    for (;;) {
      const void* buf = nullptr;
      size_t size = 0;
      la_int64_t offset = 0;
      int r = archive_read_data_block(archive_, &buf, &size, &offset);
      if (r == ARCHIVE_EOF) break;
      if (r < ARCHIVE_WARN) source_->throw_error(archive_, fmt::format("read tar entry {}", path));
      // Offsets jump over the holes of sparse files.
      const char* p = static_cast<const char*>(buf);
      uint64_t at = static_cast<uint64_t>(offset);
      size_t left = size;
      while (left > 0) {
        ssize_t n = ::pwrite(fd, p, left, static_cast<off_t>(at));
        if (n < 0) {
          if (errno == EINTR) continue;
          fail_errno("write {}", path);
        }
        p += n;
        at += static_cast<uint64_t>(n);
        left -= static_cast<size_t>(n);
      }
      end = std::max(end, at);
      result_.content_bytes += size;
    }
    // A sparse file may end in a hole.
    la_int64_t size = archive_entry_size(e);
    if (archive_entry_size_is_set(e) && size > 0 && static_cast<uint64_t>(size) > end) {
      if (::ftruncate(fd, size) != 0) fail_errno("truncate {}", path);
    }
  }

  void make_directory(struct archive_entry* e, const std::string& path, const std::string& parent,
                      const std::string& name) {
    int dir_fd = root_.dir(parent, true);
    // Owner-only until finish_directories(): a read-only directory must
    // still take its content when we are not root.
    if (::mkdirat(dir_fd, name.c_str(), 0700) != 0) {
      if (errno != EEXIST) fail_errno("create directory {}", path);
      struct stat st;
      if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) fail_errno("stat {}", path);
      // An existing directory stays (its content is kept, as Docker
      // does); anything else is replaced.
      if (!S_ISDIR(st.st_mode)) {
        root_.remove(dir_fd, name, path);
        dir_fd = root_.dir(parent, true);
        if (::mkdirat(dir_fd, name.c_str(), 0700) != 0) fail_errno("create directory {}", path);
      }
    }
    Target t{.dir_fd = dir_fd, .name = name};
    apply_owner_and_xattrs(e, path, t);
    defer_directory(e, path);
  }

  void root_directory(struct archive_entry* e) {
    Target t{.dir_fd = root_.fd(), .name = ""};
    apply_owner_and_xattrs(e, "", t);
    defer_directory(e, "");
  }

  void make_symlink(struct archive_entry* e, const std::string& path, const std::string& parent,
                    const std::string& name) {
    const char* target = entry_symlink(e);
    if (!target) fail("symlink {} has no target", path);
    int dir_fd = root_.dir(parent, true);
    // The target is stored as written, even when it points outside: it is
    // only data here and never followed during extraction.
    if (::symlinkat(target, dir_fd, name.c_str()) != 0) {
      if (errno != EEXIST) fail_errno("create symlink {}", path);
      root_.remove(dir_fd, name, path);
      dir_fd = root_.dir(parent, true);
      if (::symlinkat(target, dir_fd, name.c_str()) != 0) fail_errno("create symlink {}", path);
    }
    Target t{.dir_fd = dir_fd, .name = name, .is_symlink = true};
    apply_metadata(e, path, t, 0);
  }

  void make_hardlink(const std::string& path, const std::string& parent, const std::string& name,
                     const char* raw_target) {
    std::string target = detail::clean_entry_path(raw_target);
    if (target == path) return;  // a link to itself: nothing to do
    // Named variables, not a structured binding: the lambda captures them.
    std::string target_parent, target_name;
    std::tie(target_parent, target_name) = detail::split_entry_path(target);
    auto link = [&]() -> int {
      // The target's directory is resolved inside the root, and linkat
      // without AT_SYMLINK_FOLLOW links a symlink itself: whatever the
      // target is, the new name refers to an inode already in the tree.
      int target_dir = target.empty() ? -1 : root_.try_dir(target_parent);
      struct stat st;
      if (target_dir < 0 || ::fstatat(target_dir, target_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        fail("hardlink {} points to {}, which is not in the layer", path, shown(target));
      }
      if (S_ISDIR(st.st_mode)) fail("hardlink {} points to directory {}", path, target);
      int dir_fd = root_.dir(parent, true);
      return ::linkat(target_dir, target_name.c_str(), dir_fd, name.c_str(), 0);
    };
    if (link() == 0) return;
    if (errno != EEXIST) fail_errno("create hardlink {} to {}", path, target);
    root_.remove(root_.dir(parent, true), name, path);
    if (link() != 0) fail_errno("create hardlink {} to {}", path, target);
  }

  void make_node(struct archive_entry* e, const std::string& path, const std::string& parent, const std::string& name,
                 mode_t type) {
    bool device = type == AE_IFCHR || type == AE_IFBLK;
    if (device && !opt_.allow_devices) {
      result_.warnings.push_back(fmt::format("skipping device node {} (needs root)", path));
      return;
    }
    dev_t rdev = device ? archive_entry_rdev(e) : 0;
    int dir_fd = root_.dir(parent, true);
    if (!create_node(dir_fd, name, path, type | 0600, rdev)) {
      if (errno == EPERM && device) {
        result_.warnings.push_back(fmt::format("skipping device node {} (not permitted here)", path));
        return;
      }
      fail_errno("create {} {}", kind_name(type), path);
    }
    Target t{.dir_fd = root_.dir(parent, true), .name = name};
    apply_metadata(e, path, t, archive_entry_perm(e));
  }

  // mknodat, replacing whatever has the name. False with errno on failure.
  bool create_node(int dir_fd, const std::string& name, const std::string& path, mode_t mode, dev_t rdev) {
    if (::mknodat(dir_fd, name.c_str(), mode, rdev) == 0) return true;
    if (errno != EEXIST) return false;
    root_.remove(dir_fd, name, path);
    return ::mknodat(root_.dir(detail::split_entry_path(path).first, true), name.c_str(), mode, rdev) == 0;
  }

  void overlay_whiteout(struct archive_entry* e, const std::string& path, const std::string& parent,
                        const std::string& name) {
    if (name == kOpaqueWhiteout) {
      int dir_fd = root_.dir(parent, true);
      // The directory itself, through our own fd (the magic link is ours).
      std::string p = detail::fd_path(dir_fd);
      if (::setxattr(p.c_str(), opt_.opaque_xattr.c_str(), "y", 1, 0) != 0) {
        fail_errno("mark directory {} opaque ({})", shown(parent), opt_.opaque_xattr);
      }
      return;
    }
    if (name.starts_with(kWhiteoutMetaPrefix)) return;  // aufs bookkeeping, meaningless here
    std::string hidden = name.substr(kWhiteoutPrefix.size());
    if (hidden.empty() || hidden == "." || hidden == "..") {
      result_.warnings.push_back(fmt::format("skipping whiteout {} (names no file)", path));
      return;
    }
    std::string hidden_path = parent.empty() ? hidden : parent + "/" + hidden;
    int dir_fd = root_.dir(parent, true);
    // Overlay's whiteout: a character device 0:0. Its permission bits keep
    // the .wh. file's, so writing the layer back reproduces the entry.
    if (!create_node(dir_fd, hidden, hidden_path, S_IFCHR | 0600, makedev(0, 0))) {
      fail_errno("create whiteout {} (overlay whiteouts need root or a user namespace)", hidden_path);
    }
    Target t{.dir_fd = root_.dir(parent, true), .name = hidden};
    apply_owner(e, hidden_path, t);
    apply_mode_and_times(e, hidden_path, t, archive_entry_perm(e));
  }

  // ---- metadata ----

  void apply_metadata(struct archive_entry* e, const std::string& path, const Target& t, mode_t mode) {
    apply_owner_and_xattrs(e, path, t);
    apply_mode_and_times(e, path, t, mode);
  }

  void apply_owner_and_xattrs(struct archive_entry* e, const std::string& path, const Target& t) {
    apply_owner(e, path, t);
    apply_xattrs(e, path, t);
  }

  std::optional<Owner> owner_for(struct archive_entry* e, const std::string& path) {
    if (!opt_.chown || opt_.plain) return std::nullopt;
    bool squashed = false;
    auto check = [&](la_int64_t id, uint64_t limit, bool is_gid) -> uint32_t {
      if (id >= 0 && static_cast<uint64_t>(id) < limit && static_cast<uint64_t>(id) < UINT32_MAX) {
        return static_cast<uint32_t>(id);
      }
      if (opt_.out_of_range == OutOfRangeIds::Fail) {
        fail("layer file {} is owned by {} {}, which is outside the available ID mapping ({})", shown(path),
             is_gid ? "gid" : "uid", id, id_range(limit));
      }
      if (result_.squashed == 0 && !squashed) {
        result_.first_squashed_path = shown(path);
        result_.first_squashed_id = static_cast<uint64_t>(id);
        result_.first_squashed_is_gid = is_gid;
      }
      squashed = true;
      return 0;
    };
    Owner owner{check(archive_entry_uid(e), opt_.uid_limit, false), check(archive_entry_gid(e), opt_.gid_limit, true)};
    if (squashed) ++result_.squashed;
    return owner;
  }

  void apply_owner(struct archive_entry* e, const std::string& path, const Target& t) {
    auto owner = owner_for(e, path);
    if (!owner) return;
    int rc = t.fd >= 0 ? ::fchown(t.fd, owner->uid, owner->gid)
                       : ::fchownat(t.dir_fd, t.name.c_str(), owner->uid, owner->gid,
                                    AT_SYMLINK_NOFOLLOW | (t.name.empty() ? AT_EMPTY_PATH : 0));
    if (rc != 0) fail_errno("chown {} to {}:{}", shown(path), owner->uid, owner->gid);
  }

  void apply_xattrs(struct archive_entry* e, const std::string& path, const Target& t) {
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
        if (proc.empty()) proc = detail::fd_path(t.dir_fd, t.name);
        // The directory part is our own fd; the last component is the
        // entry itself and is not followed (lsetxattr), except for ""
        // where the path is the directory's magic link.
        rc = t.name.empty() ? ::setxattr(proc.c_str(), key, value, size, 0)
                            : ::lsetxattr(proc.c_str(), key, value, size, 0);
      }
      if (rc == 0) continue;
      // Namespaces we may not write (trusted.*, security.* without the
      // capability, user.* on symlinks): a warning, not a failed layer.
      if (errno == EPERM || errno == ENOTSUP || errno == EACCES || errno == EINVAL) {
        auto& failure = xattr_failures_[fmt::format("{} ({})", key, std::strerror(errno))];
        if (failure.count++ == 0) failure.example = shown(path);
        continue;
      }
      fail_errno("set xattr {} on {}", key, shown(path));
    }
  }

  void apply_mode_and_times(struct archive_entry* e, const std::string& path, const Target& t, mode_t mode) {
    if (opt_.plain) mode &= 0777;
    if (!t.is_symlink) {
      int rc = t.fd >= 0 ? ::fchmod(t.fd, mode & 07777)
                         : ::fchmodat(t.dir_fd, t.name.c_str(), mode & 07777, AT_SYMLINK_NOFOLLOW);
      if (rc != 0) fail_errno("chmod {}", path);
    }
    timespec times[2];
    entry_times(e, times);
    int rc = t.fd >= 0 ? ::futimens(t.fd, times) : ::utimensat(t.dir_fd, t.name.c_str(), times, AT_SYMLINK_NOFOLLOW);
    if (rc != 0) fail_errno("set times of {}", path);
  }

  static void entry_times(struct archive_entry* e, timespec times[2]) {
    times[1] = valid_time(archive_entry_mtime(e), archive_entry_mtime_nsec(e));
    times[0] = archive_entry_atime_is_set(e) ? valid_time(archive_entry_atime(e), archive_entry_atime_nsec(e))
                                             : times[1];
  }

  void defer_directory(struct archive_entry* e, const std::string& path) {
    DeferredDir d{.path = path, .mode = archive_entry_perm(e), .times = {}};
    if (opt_.plain) d.mode &= 0777;
    entry_times(e, d.times);
    // A directory listed twice gets the later entry's metadata.
    auto [it, inserted] = deferred_index_.try_emplace(path, deferred_.size());
    if (inserted) {
      deferred_.push_back(std::move(d));
    } else {
      deferred_[it->second] = std::move(d);
    }
  }

  // Directory modes and times, deepest first: writing content changed
  // their mtimes, and a read-only parent must stay searchable until its
  // children are done.
  void finish_directories() {
    auto depth = [](const std::string& p) { return p.empty() ? 0 : 1 + std::count(p.begin(), p.end(), '/'); };
    std::stable_sort(deferred_.begin(), deferred_.end(),
                     [&](const DeferredDir& a, const DeferredDir& b) { return depth(a.path) > depth(b.path); });
    for (const auto& d : deferred_) {
      root_.new_entry();
      if (d.path.empty()) {
        std::string p = detail::fd_path(root_.fd());
        if (::chmod(p.c_str(), d.mode) != 0) fail_errno("chmod /");
        if (::utimensat(AT_FDCWD, p.c_str(), d.times, 0) != 0) fail_errno("set times of /");
        continue;
      }
      auto [parent, name] = detail::split_entry_path(d.path);
      int dir_fd = root_.try_dir(parent);
      struct stat st;
      // Replaced by a non-directory later in the tar: nothing to do.
      if (dir_fd < 0 || ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) {
        continue;
      }
      if (::fchmodat(dir_fd, name.c_str(), d.mode, AT_SYMLINK_NOFOLLOW) != 0) fail_errno("chmod {}", d.path);
      if (::utimensat(dir_fd, name.c_str(), d.times, AT_SYMLINK_NOFOLLOW) != 0) fail_errno("set times of {}", d.path);
    }
  }

  void report_xattr_failures() {
    for (const auto& [what, failure] : xattr_failures_) {
      if (failure.count == 1) {
        result_.warnings.push_back(fmt::format("could not set xattr {} on {}", what, failure.example));
      } else {
        result_.warnings.push_back(
          fmt::format("could not set xattr {} on {} files, e.g. {}", what, failure.count, failure.example));
      }
    }
  }

  struct XattrFailure {
    uint64_t count = 0;
    std::string example;
  };

  RootDir root_;
  const ExtractOptions& opt_;
  struct archive* archive_ = nullptr;
  detail::ReaderSource* source_ = nullptr;
  ExtractResult result_;
  std::vector<DeferredDir> deferred_;
  std::unordered_map<std::string, size_t> deferred_index_;
  std::map<std::string, XattrFailure> xattr_failures_;
};

}  // namespace

ExtractResult extract_tar(Reader& tar, const std::string& dest_dir, const ExtractOptions& options) {
  Extractor extractor(dest_dir, options);
  return extractor.run(tar);
}

}  // namespace kayak::archive
