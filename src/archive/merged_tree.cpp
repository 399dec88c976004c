#include "kayak/archive/merged_tree.hpp"

#include "extract_root.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <fcntl.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <map>

namespace kayak::archive {

namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kWhiteoutMetaPrefix = ".wh..wh.";
constexpr const char* kOpaqueMarker = ".wh..wh..opq";
constexpr const char* kOpaqueXattrs[] = {"trusted.overlay.opaque", "user.overlay.opaque",
                                         "user.fuseoverlayfs.opaque"};

UniqueFd open_subdir(int dir_fd, const std::string& name) {
  UniqueFd fd(::openat(dir_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) fail_errno("open directory {}", name);
  return fd;
}

// fstatat without following; false when the name does not exist.
bool stat_at(int dir_fd, const std::string& name, struct stat& st) {
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  fail_errno("stat {}", name);
}

}  // namespace

bool is_whiteout_node(const struct stat& st) {
  return S_ISCHR(st.st_mode) && major(st.st_rdev) == 0 && minor(st.st_rdev) == 0;
}

bool is_opaque_dir(int dir_fd) {
  std::string path = detail::fd_path(dir_fd);
  for (const char* name : kOpaqueXattrs) {
    char value[2];
    ssize_t n = ::getxattr(path.c_str(), name, value, sizeof value);
    // trusted.* is invisible without CAP_SYS_ADMIN: ENODATA then, like absent.
    if (n == 1 && value[0] == 'y') return true;
  }
  struct stat st;
  return stat_at(dir_fd, kOpaqueMarker, st);
}

MergedDir::MergedDir(const std::vector<std::string>& layer_roots) {
  for (size_t i = 0; i < layer_roots.size(); ++i) {
    UniqueFd fd(::open(layer_roots[i].c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!fd) {
      if (errno == ENOENT) continue;
      fail_errno("open {}", layer_roots[i]);
    }
    dirs_.push_back({std::make_shared<UniqueFd>(std::move(fd)), i});
  }
}

bool MergedDir::whited_out(int dir_fd, const std::string& name) {
  struct stat st;
  return stat_at(dir_fd, std::string(kWhiteoutPrefix) + name, st);
}

std::optional<MergedEntry> MergedDir::find(const std::string& name) const {
  if (name.starts_with(kWhiteoutPrefix)) return std::nullopt;
  for (const auto& layer : dirs_) {
    int fd = layer.fd->get();
    MergedEntry entry{.name = name, .dir_fd = fd, .layer = layer.index};
    if (stat_at(fd, name, entry.st)) {
      if (is_whiteout_node(entry.st)) return std::nullopt;
      return entry;
    }
    if (whited_out(fd, name)) return std::nullopt;
  }
  return std::nullopt;
}

std::vector<MergedEntry> MergedDir::list() const {
  // name -> winning entry, or nullopt when a higher layer hid it.
  std::map<std::string, std::optional<MergedEntry>> seen;
  for (const auto& layer : dirs_) {
    int fd = layer.fd->get();
    for (auto& name : fs::list_dir_at(fd, "layer directory")) {
      if (name.starts_with(kWhiteoutMetaPrefix)) continue;  // opaque marker, aufs bookkeeping
      if (name.starts_with(kWhiteoutPrefix)) {
        seen.try_emplace(name.substr(kWhiteoutPrefix.size()), std::nullopt);
        continue;
      }
      if (seen.contains(name)) continue;
      MergedEntry entry{.name = name, .dir_fd = fd, .layer = layer.index};
      if (!stat_at(fd, name, entry.st)) continue;  // vanished meanwhile
      if (is_whiteout_node(entry.st)) {
        seen.emplace(name, std::nullopt);
      } else {
        seen.emplace(name, std::move(entry));
      }
    }
  }
  std::vector<MergedEntry> out;
  for (auto& [name, entry] : seen) {
    if (entry) out.push_back(std::move(*entry));
  }
  return out;
}

MergedDir MergedDir::subdir(const std::string& name) const {
  MergedDir sub;
  if (name.starts_with(kWhiteoutPrefix)) return sub;
  for (const auto& layer : dirs_) {
    int fd = layer.fd->get();
    struct stat st;
    if (!stat_at(fd, name, st)) {
      if (whited_out(fd, name)) break;
      continue;
    }
    if (!S_ISDIR(st.st_mode)) break;  // a whiteout or a file hides the lower directories
    UniqueFd child = open_subdir(fd, name);
    bool opaque = is_opaque_dir(child.get());
    sub.dirs_.push_back({std::make_shared<UniqueFd>(std::move(child)), layer.index});
    if (opaque) break;
  }
  return sub;
}

}  // namespace kayak::archive
