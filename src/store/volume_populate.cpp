// Docker's copy-up: when a new volume is first mounted over a path where
// the image has content, that content is copied into the volume. Here the
// image is its layer dirs, so the copy is the union of the layers at that
// path: each layer (base first) is applied over what the lower ones gave,
// honouring whiteouts (overlay's 0:0 char devices and opaque xattrs, or
// aufs-style .wh. files) as the rootfs would show them.
//
// Symlinks inside the layers are never followed: a path component that is a
// symlink in a layer hides what lower layers have there and contributes
// nothing (the image's content is not copied through a link, and a hostile
// layer cannot point the copy outside the store).
#include "kayak/store/volume.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>

namespace kayak::store {

namespace {

constexpr std::string_view kWhiteout = ".wh.";
constexpr std::string_view kOpaque = ".wh..wh..opq";

bool is_overlay_whiteout(const struct stat& st) { return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0); }

bool is_opaque_dir(const std::string& path) {
  char value[4];
  for (const char* name : {"user.overlay.opaque", "trusted.overlay.opaque"}) {
    ssize_t n = ::lgetxattr(path.c_str(), name, value, sizeof value);
    if (n == 1 && value[0] == 'y') return true;
  }
  return fs::exists(fs::join(path, kOpaque));
}

void clear_dir(const std::string& dir) {
  for (const auto& name : fs::list_dir(dir)) fs::remove_tree(fs::join(dir, name));
}

void copy_metadata(const std::string& from, const struct stat& st, const std::string& to) {
  if (::lchown(to.c_str(), st.st_uid, st.st_gid) != 0) fail_errno("chown {}", to);
  if (!S_ISLNK(st.st_mode) && ::chmod(to.c_str(), st.st_mode & 07777) != 0) fail_errno("chmod {}", to);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  ::utimensat(AT_FDCWD, to.c_str(), times, AT_SYMLINK_NOFOLLOW);
  (void)from;
}

void copy_file(const std::string& from, const std::string& to) {
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!in) fail_errno("open {}", from);
  UniqueFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!out) fail_errno("create {}", to);
  char buffer[65536];
  while (true) {
    ssize_t n = ::read(in.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno("read {}", from);
    }
    if (n == 0) break;
    write_all(out.get(), buffer, static_cast<size_t>(n), to);
  }
}

// Applies one layer's directory `from` over `to` (an existing directory).
void apply_dir(const std::string& from, const std::string& to) {
  if (is_opaque_dir(from)) clear_dir(to);
  for (const auto& name : fs::list_dir(from)) {
    std::string src = fs::join(from, name);
    std::string dst = fs::join(to, name);
    if (name == kOpaque) continue;
    if (name.starts_with(kWhiteout)) {
      fs::remove_tree(fs::join(to, name.substr(kWhiteout.size())));
      continue;
    }
    struct stat st;
    if (::lstat(src.c_str(), &st) != 0) fail_errno("stat {}", src);
    if (is_overlay_whiteout(st)) {
      fs::remove_tree(dst);
      continue;
    }
    struct stat existing;
    bool have = ::lstat(dst.c_str(), &existing) == 0;
    if (S_ISDIR(st.st_mode)) {
      if (have && !S_ISDIR(existing.st_mode)) {
        fs::remove_tree(dst);
        have = false;
      }
      if (!have && ::mkdir(dst.c_str(), 0700) != 0) fail_errno("mkdir {}", dst);
      apply_dir(src, dst);
      copy_metadata(src, st, dst);
      continue;
    }
    if (have) fs::remove_tree(dst);
    if (S_ISREG(st.st_mode)) {
      copy_file(src, dst);
    } else if (S_ISLNK(st.st_mode)) {
      std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
      ssize_t n = ::readlink(src.c_str(), target.data(), target.size());
      if (n < 0) fail_errno("readlink {}", src);
      target.resize(static_cast<size_t>(n));
      if (::symlink(target.c_str(), dst.c_str()) != 0) fail_errno("symlink {}", dst);
    } else if (::mknod(dst.c_str(), st.st_mode, st.st_rdev) != 0) {
      continue;  // devices cannot be made rootless; the image's rootfs lacks them too
    }
    copy_metadata(src, st, dst);
  }
}

enum class Shadow { None, Hidden };

// What layer `layer` does to `components` (the destination split): whether
// it hides lower layers' content there, and the directory it has there.
Shadow inspect_layer(const std::string& layer, const std::vector<std::string>& components, std::string& found_dir) {
  found_dir.clear();
  std::string path = layer;
  for (size_t i = 0; i < components.size(); i++) {
    const std::string& name = components[i];
    if (fs::exists(fs::join(path, std::string(kWhiteout) + name))) return Shadow::Hidden;
    std::string next = fs::join(path, name);
    struct stat st;
    if (::lstat(next.c_str(), &st) != 0) return Shadow::None;
    if (is_overlay_whiteout(st) || !S_ISDIR(st.st_mode)) return Shadow::Hidden;
    if (i + 1 < components.size() && is_opaque_dir(next)) {
      // An opaque parent hides everything lower below it; this layer may
      // still have the path itself.
      std::string below;
      inspect_layer(next, {components.begin() + static_cast<long>(i) + 1, components.end()}, below);
      found_dir = below;
      return Shadow::Hidden;
    }
    path = next;
  }
  found_dir = path;
  return is_opaque_dir(path) ? Shadow::Hidden : Shadow::None;
}

}  // namespace

bool VolumeStore::populate(Context& ctx, const std::string& name, const std::vector<std::string>& layer_dirs,
                           const std::string& destination) {
  FileLock held = lock(name);
  VolumeRecord record = get(name);
  if (record.populated) return false;
  std::vector<std::string> components;
  for (const auto& part : str::split(destination, '/')) {
    if (!part.empty() && part != ".") components.push_back(part);
  }
  std::string data = data_dir(name);
  json::Value copied = ctx.write([&] {
    if (!fs::list_dir(data).empty()) return json::Value(false);
    bool any = false;
    struct stat top{};
    for (const auto& layer : layer_dirs) {
      std::string dir;
      if (inspect_layer(layer, components, dir) == Shadow::Hidden) {
        clear_dir(data);
        any = false;
      }
      if (dir.empty()) continue;
      apply_dir(dir, data);
      if (::lstat(dir.c_str(), &top) != 0) fail_errno("stat {}", dir);
      any = true;
    }
    // The volume's root takes the owner and mode of the image's directory.
    if (any) copy_metadata(data, top, data);
    return json::Value(any);
  });
  record.populated = true;
  write_record(record);
  return copied.as_bool();
}

}  // namespace kayak::store
