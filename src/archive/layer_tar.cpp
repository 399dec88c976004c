// write_layer_tar: a directory tree as a layer tar, in a stable order
// (each directory's names sorted, parents before children), with the
// storage driver's whiteouts turned back into ".wh." entries.
#include "kayak/archive/tar_writer.hpp"

#include "extract_root.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/fd.hpp"

#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>

namespace kayak::archive {

namespace {

constexpr std::string_view kOpaqueWhiteout = ".wh..wh..opq";

// Attributes that describe this host or this driver, not the layer.
bool exported_xattr(std::string_view name, const std::string& opaque_xattr) {
  return name != opaque_xattr && !name.starts_with("trusted.overlay.") && !name.starts_with("user.overlay.") &&
         name != "security.selinux";
}

std::vector<std::string> sorted_names(int dir_fd, const std::string& shown) {
  std::vector<std::string> names = fs::list_dir_at(dir_fd, shown);
  std::sort(names.begin(), names.end());
  return names;
}

class LayerWriter {
public:
  LayerWriter(Writer& out, const LayerTarOptions& options) : tar_(out), opt_(options) {}

  void write_dir(int dir_fd, const std::string& prefix) {
    for (const auto& name : sorted_names(dir_fd, prefix.empty() ? "/" : prefix)) write_entry(dir_fd, prefix, name);
  }

  void finish() { tar_.finish(); }

private:
  void write_entry(int dir_fd, const std::string& prefix, const std::string& name) {
    std::string rel = prefix + name;
    struct stat st;
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) fail_errno("stat {}", rel);
    TarWriter::Meta meta;
    meta.mode = st.st_mode & 07777;
    meta.mtime = opt_.fixed_mtime ? *opt_.fixed_mtime : st.st_mtim.tv_sec;
    meta.uid = st.st_uid;
    meta.gid = st.st_gid;

    if (opt_.whiteouts == WhiteoutFormat::Overlay && S_ISCHR(st.st_mode) && st.st_rdev == 0) {
      // Overlay's whiteout (char 0:0) is ".wh.NAME" in a layer.
      tar_.add_file(prefix + ".wh." + name, std::string_view(), meta);
      return;
    }
    std::string opaque;
    meta.xattrs = read_xattrs(dir_fd, name, rel, opaque);
    switch (st.st_mode & S_IFMT) {
      case S_IFDIR: {
        tar_.add_directory(rel, meta);
        if (opt_.whiteouts == WhiteoutFormat::Overlay && opaque == "y") {
          TarWriter::Meta marker = meta;
          marker.mode &= 0777;
          marker.xattrs.clear();
          tar_.add_file(rel + "/" + std::string(kOpaqueWhiteout), std::string_view(), marker);
        }
        UniqueFd sub(::openat(dir_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!sub) fail_errno("open {}", rel);
        write_dir(sub.get(), rel + "/");
        return;
      }
      case S_IFREG: {
        if (st.st_nlink > 1) {
          auto [it, first] = links_.try_emplace({st.st_dev, st.st_ino}, rel);
          if (!first) {
            tar_.add_hardlink(rel, it->second, meta);
            return;
          }
        }
        UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd) fail_errno("open {}", rel);
        FdReader reader(fd.get(), rel);
        tar_.add_file(rel, reader, static_cast<uint64_t>(st.st_size), meta);
        return;
      }
      case S_IFLNK: {
        std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
        ssize_t n = ::readlinkat(dir_fd, name.c_str(), target.data(), target.size());
        if (n < 0) fail_errno("read symlink {}", rel);
        if (static_cast<size_t>(n) >= target.size()) fail("symlink {} changed while being read", rel);
        target.resize(static_cast<size_t>(n));
        tar_.add_symlink(rel, target, meta);
        return;
      }
      case S_IFIFO:
      case S_IFCHR:
      case S_IFBLK:
        tar_.add_node(rel, st.st_mode & S_IFMT, st.st_rdev, meta);
        return;
      default:
        return;  // sockets cannot be stored in a tar
    }
  }

  std::vector<std::pair<std::string, std::string>> read_xattrs(int dir_fd, const std::string& name,
                                                               const std::string& rel, std::string& opaque) {
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
      if (key == opt_.opaque_xattr) opaque = value;
      if (exported_xattr(key, opt_.opaque_xattr)) out.emplace_back(std::move(key), std::move(value));
    }
    return out;
  }

  TarWriter tar_;
  const LayerTarOptions& opt_;
  // First path of each multiply-linked inode: later names become hardlinks.
  std::map<std::pair<dev_t, ino_t>, std::string> links_;
};

}  // namespace

void write_layer_tar(const std::string& dir, Writer& out, const LayerTarOptions& options) {
  UniqueFd root(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) fail_errno("open {}", dir);
  LayerWriter writer(out, options);
  writer.write_dir(root.get(), "");
  writer.finish();
}

}  // namespace kayak::archive
