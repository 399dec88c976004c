// extract_tar: the tar entry loop, and what each entry becomes. All path
// handling goes through RootDir (extract_root.hpp), all metadata through
// MetadataWriter (extract_metadata.hpp).
#include "kayak/archive/extract.hpp"

#include "extract_metadata.hpp"
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
#include <tuple>

namespace kayak::archive {

namespace {

using detail::MetadataWriter;
using detail::RootDir;
using detail::Target;

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kWhiteoutMetaPrefix = ".wh..wh.";
constexpr std::string_view kOpaqueWhiteout = ".wh..wh..opq";

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

class Extractor {
public:
  Extractor(const std::string& dest, const ExtractOptions& options)
    : root_(dest), opt_(options), meta_(root_, opt_, result_) {}

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
    meta_.finish();
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
    std::unique_ptr<ContentTap> tap = opt_.tap ? opt_.tap(path) : nullptr;
    write_content(e, fd.get(), path, tap);
    if (tap) tap->finish(fd.get());
    Target t{.fd = fd.get(), .dir_fd = dir_fd, .name = name};
    meta_.apply(e, path, t, archive_entry_perm(e));
    if (::close(fd.release()) != 0) fail_errno("close {}", path);
  }

  // A tap gets the same bytes; it is dropped (reset) when the content has
  // a hole, as it then differs from what lands in the file.
  void write_content(struct archive_entry* e, int fd, const std::string& path, std::unique_ptr<ContentTap>& tap) {
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
      if (tap) {
        if (at == end) {
          tap->write(p, size);
        } else {
          tap.reset();
        }
      }
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
      tap.reset();
    }
  }

  void make_directory(struct archive_entry* e, const std::string& path, const std::string& parent,
                      const std::string& name) {
    int dir_fd = root_.dir(parent, true);
    // Owner-only until MetadataWriter::finish(): a read-only directory must
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
    meta_.owner(e, path, t);
    meta_.xattrs(e, path, t);
    meta_.defer_directory(e, path);
  }

  void root_directory(struct archive_entry* e) {
    Target t{.dir_fd = root_.fd(), .name = ""};
    meta_.owner(e, "", t);
    meta_.xattrs(e, "", t);
    meta_.defer_directory(e, "");
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
    meta_.apply(e, path, t, 0);
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
        fail("hardlink {} points to {}, which is not in the layer", path, detail::shown_path(target));
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
    meta_.apply(e, path, t, archive_entry_perm(e));
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
        fail_errno("mark directory {} opaque ({})", detail::shown_path(parent), opt_.opaque_xattr);
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
    meta_.owner(e, hidden_path, t);
    meta_.mode_and_times(e, hidden_path, t, archive_entry_perm(e));
  }

  RootDir root_;
  const ExtractOptions& opt_;
  ExtractResult result_;
  MetadataWriter meta_;
  struct archive* archive_ = nullptr;
  detail::ReaderSource* source_ = nullptr;
};

}  // namespace

ExtractResult extract_tar(Reader& tar, const std::string& dest_dir, const ExtractOptions& options) {
  Extractor extractor(dest_dir, options);
  return extractor.run(tar);
}

}  // namespace kayak::archive
