#include "tar_entry_writer.hpp"

#include "extract_root.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"

#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace kayak::archive::detail {

namespace {

// Attributes that describe this host or this driver, not the layer.
bool exported_xattr(std::string_view name, const std::string& opaque_xattr) {
  return name != opaque_xattr && !name.starts_with("trusted.overlay.") && !name.starts_with("user.overlay.") &&
         !name.starts_with("user.fuseoverlayfs.") && name != "security.selinux";
}

}  // namespace

TarWriter::Meta TarEntryWriter::meta_of(const struct stat& st) const {
  TarWriter::Meta meta;
  meta.mode = st.st_mode & 07777;
  meta.mtime = fixed_mtime_ ? *fixed_mtime_ : st.st_mtim.tv_sec;
  meta.uid = st.st_uid;
  meta.gid = st.st_gid;
  return meta;
}

void TarEntryWriter::write_marker(const std::string& rel, const TarWriter::Meta& meta) {
  tar_.add_file(rel, std::string_view(), meta);
}

std::string TarEntryWriter::write(int dir_fd, const std::string& name, const std::string& rel,
                                  const struct stat& st) {
  TarWriter::Meta meta = meta_of(st);
  std::string opaque;
  meta.xattrs = read_xattrs(dir_fd, name, rel, opaque);
  switch (st.st_mode & S_IFMT) {
    case S_IFDIR:
      tar_.add_directory(rel, meta);
      return opaque;
    case S_IFREG: {
      if (st.st_nlink > 1) {
        auto [it, first] = links_.try_emplace({st.st_dev, st.st_ino}, rel);
        if (!first) {
          tar_.add_hardlink(rel, it->second, meta);
          return {};
        }
      }
      UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
      if (!fd) fail_errno("open {}", rel);
      FdReader reader(fd.get(), rel);
      tar_.add_file(rel, reader, static_cast<uint64_t>(st.st_size), meta);
      return {};
    }
    case S_IFLNK: {
      std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
      ssize_t n = ::readlinkat(dir_fd, name.c_str(), target.data(), target.size());
      if (n < 0) fail_errno("read symlink {}", rel);
      if (static_cast<size_t>(n) >= target.size()) fail("symlink {} changed while being read", rel);
      target.resize(static_cast<size_t>(n));
      tar_.add_symlink(rel, target, meta);
      return {};
    }
    case S_IFIFO:
    case S_IFCHR:
    case S_IFBLK:
      tar_.add_node(rel, st.st_mode & S_IFMT, st.st_rdev, meta);
      return {};
    default:
      return {};  // sockets cannot be stored in a tar
  }
}

std::vector<std::pair<std::string, std::string>> TarEntryWriter::read_xattrs(int dir_fd, const std::string& name,
                                                                             const std::string& rel,
                                                                             std::string& opaque) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string path = detail::fd_path(dir_fd, name);
  std::string list;
  for (;;) {
    ssize_t size = ::llistxattr(path.c_str(), nullptr, 0);
    if (size < 0 && (errno == ENOTSUP || errno == EOPNOTSUPP)) return out;
    if (size < 0) fail_errno("list xattrs of {}", rel);
    if (size == 0) return out;
    list.resize(static_cast<size_t>(size));
    size = ::llistxattr(path.c_str(), list.data(), list.size());
    if (size >= 0) {
      list.resize(static_cast<size_t>(size));
      break;
    }
    if (errno != ERANGE) fail_errno("list xattrs of {}", rel);
  }
  for (size_t pos = 0; pos < list.size();) {
    std::string key(list.c_str() + pos);
    pos += key.size() + 1;
    std::string value;
    ssize_t size = ::lgetxattr(path.c_str(), key.c_str(), nullptr, 0);
    if (size < 0) {
      if (errno == ENODATA || errno == EPERM || errno == EACCES) continue;
      fail_errno("read xattr {} of {}", key, rel);
    }
    value.resize(static_cast<size_t>(size));
    size = ::lgetxattr(path.c_str(), key.c_str(), value.data(), value.size());
    if (size < 0) fail_errno("read xattr {} of {}", key, rel);
    value.resize(static_cast<size_t>(size));
    if (key == opaque_xattr_) opaque = value;
    if (exported_xattr(key, opaque_xattr_)) out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

}  // namespace kayak::archive::detail
