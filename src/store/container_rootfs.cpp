// A container's writable root: empty upper/work dirs for the overlay
// drivers, or for vfs a full copy of the image's layers (whiteouts
// applied), made inside the store's user namespace so owners are kept.
#include "kayak/store/container.hpp"
#include "kayak/store/context.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <string_view>
#include <utility>

namespace kayak::store {

namespace {

constexpr std::string_view kWhiteout = ".wh.";
constexpr std::string_view kOpaque = ".wh..wh..opq";

void copy_xattrs(int from, int to) {
  char names[4096];
  ssize_t len = ::flistxattr(from, names, sizeof names);
  for (ssize_t i = 0; len > 0 && i < len;) {
    std::string name(names + i);
    i += static_cast<ssize_t>(name.size()) + 1;
    char value[4096];
    ssize_t n = ::fgetxattr(from, name.c_str(), value, sizeof value);
    // Best effort: trusted.* needs real root, and a copy that lacks an
    // xattr still runs.
    if (n >= 0) ::fsetxattr(to, name.c_str(), value, static_cast<size_t>(n), 0);
  }
}

void copy_file(const std::string& src, const std::string& dst, const struct stat& st) {
  UniqueFd in(::open(src.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!in) fail_errno("open {}", src);
  UniqueFd out(::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!out) fail_errno("create {}", dst);
  off_t left = st.st_size;
  while (left > 0) {
    ssize_t n = ::copy_file_range(in.get(), nullptr, out.get(), nullptr, static_cast<size_t>(left), 0);
    if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL)) {
      char buf[65536];
      n = ::read(in.get(), buf, sizeof buf);
      if (n > 0) write_all(out.get(), buf, static_cast<size_t>(n), dst);
    }
    if (n < 0) fail_errno("copy {}", src);
    if (n == 0) break;
    left -= n;
  }
  copy_xattrs(in.get(), out.get());
}

// Owner, mode and times of dst from st (symlinks: owner and times only).
void apply_metadata(const std::string& dst, const struct stat& st) {
  if (::lchown(dst.c_str(), st.st_uid, st.st_gid) != 0) fail_errno("chown {}", dst);
  if (!S_ISLNK(st.st_mode) && ::chmod(dst.c_str(), st.st_mode & 07777) != 0) fail_errno("chmod {}", dst);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  ::utimensat(AT_FDCWD, dst.c_str(), times, AT_SYMLINK_NOFOLLOW);
}

class LayerCopier {
public:
  // Copies one layer's diff over what the lower layers left in dst.
  void copy_layer(const std::string& src, const std::string& dst) {
    links_.clear();
    copy_dir(src, dst);
  }

private:
  void copy_dir(const std::string& src, const std::string& dst) {
    std::vector<std::string> names = fs::list_dir(src);
    for (const auto& name : names) {
      if (name == kOpaque) {
        // The lower layers' content of this directory is hidden.
        for (const auto& lower : fs::list_dir(dst)) fs::remove_tree(fs::join(dst, lower));
      }
    }
    for (const auto& name : names) {
      if (name == kOpaque) continue;
      if (name.rfind(kWhiteout, 0) == 0) {
        fs::remove_tree(fs::join(dst, name.substr(kWhiteout.size())));
        continue;
      }
      copy_entry(fs::join(src, name), fs::join(dst, name));
    }
  }

  void copy_entry(const std::string& src, const std::string& dst) {
    struct stat st;
    if (::lstat(src.c_str(), &st) != 0) fail_errno("stat {}", src);
    struct stat have;
    bool exists = ::lstat(dst.c_str(), &have) == 0;
    if (S_ISDIR(st.st_mode)) {
      // A directory merges with a lower directory; anything else it replaces.
      if (exists && !S_ISDIR(have.st_mode)) {
        fs::remove_tree(dst);
        exists = false;
      }
      if (!exists && ::mkdir(dst.c_str(), 0700) != 0) fail_errno("mkdir {}", dst);
      copy_dir(src, dst);
      apply_metadata(dst, st);
      return;
    }
    if (exists) fs::remove_tree(dst);
    if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
      auto key = std::make_pair(st.st_dev, st.st_ino);
      auto it = links_.find(key);
      if (it != links_.end()) {
        if (::link(it->second.c_str(), dst.c_str()) != 0) fail_errno("link {}", dst);
        return;
      }
      links_[key] = dst;
    }
    if (S_ISREG(st.st_mode)) {
      copy_file(src, dst, st);
    } else if (S_ISLNK(st.st_mode)) {
      std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
      ssize_t n = ::readlink(src.c_str(), target.data(), target.size());
      if (n < 0) fail_errno("readlink {}", src);
      target.resize(static_cast<size_t>(n));
      if (::symlink(target.c_str(), dst.c_str()) != 0) fail_errno("symlink {}", dst);
    } else if (::mknod(dst.c_str(), st.st_mode, st.st_rdev) != 0) {
      // Device nodes cannot be made in a user namespace; extraction skipped
      // them in the layers already, so this is rare.
      log::warn("cannot create device node {}: {}", dst, std::strerror(errno));
      return;
    }
    apply_metadata(dst, st);
  }

  std::map<std::pair<dev_t, ino_t>, std::string> links_;
};

}  // namespace

void prepare_rootfs(Context& ctx, const ContainerConfig& config) {
  ContainerStore containers(ctx.store());
  if (config.driver != "vfs") {
    // Created by the caller, which is container root in the namespace.
    fs::mkdir_p(containers.upper_dir(config.id), 0755);
    fs::mkdir_p(containers.work_dir(config.id), 0700);
    return;
  }
  std::string rootfs = containers.vfs_dir(config.id);
  std::vector<std::string> layer_dirs;
  for (const auto& chain : config.layers) layer_dirs.push_back(fs::join(ctx.store().layer_dir(chain), "diff"));
  ctx.write([&] {
    fs::mkdir_p(rootfs, 0755);
    LayerCopier copier;
    for (const auto& layer : layer_dirs) copier.copy_layer(layer, rootfs);
    return json::Value(true);
  });
}

void remove_container(Context& ctx, const std::string& id) {
  ctx.write([&] {
    ContainerStore(ctx.store()).remove(id);
    return json::Value(true);
  });
}

}  // namespace kayak::store
