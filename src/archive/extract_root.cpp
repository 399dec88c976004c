#include "extract_root.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cstring>

namespace kayak::archive::detail {

std::string clean_entry_path(std::string_view raw) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos <= raw.size()) {
    size_t slash = raw.find('/', pos);
    if (slash == std::string_view::npos) slash = raw.size();
    std::string_view part = raw.substr(pos, slash - pos);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    pos = slash + 1;
  }
  std::string out;
  for (auto part : parts) {
    if (!out.empty()) out.push_back('/');
    out.append(part);
  }
  return out;
}

std::pair<std::string, std::string> split_entry_path(const std::string& clean) {
  auto slash = clean.rfind('/');
  if (slash == std::string::npos) return {"", clean};
  return {clean.substr(0, slash), clean.substr(slash + 1)};
}

int open_in_root(int root_fd, const std::string& path, int flags) {
  struct open_how how {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const char* p = path.empty() ? "." : path.c_str();
  for (int attempt = 0;; ++attempt) {
    long fd = ::syscall(SYS_openat2, root_fd, p, &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno == ENOSYS) fail("safe extraction needs openat2 (Linux 5.6 or later)");
    // EAGAIN: a concurrent rename raced with ".." resolution; retrying is
    // what the kernel asks for.
    if (errno == EINTR || (errno == EAGAIN && attempt < 32)) continue;
    return -1;
  }
}

std::string fd_path(int dir_fd, std::string_view name) {
  if (name.empty()) return fmt::format("/proc/self/fd/{}", dir_fd);
  return fmt::format("/proc/self/fd/{}/{}", dir_fd, name);
}

RootDir::RootDir(const std::string& path) : root_(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)) {
  if (!root_) fail_errno("open {}", path);
}

int RootDir::remember(const std::string& clean, int fd) {
  // A bounded cache: deep trees would otherwise hold an fd per directory.
  if (cache_.size() >= 256) forget_cached();
  cache_.emplace(clean, UniqueFd(fd));
  return fd;
}

void RootDir::forget_cached() {
  for (auto& [path, fd] : cache_) retired_.push_back(std::move(fd));
  cache_.clear();
}

int RootDir::try_dir(const std::string& clean) {
  if (clean.empty()) return root_.get();
  if (auto it = cache_.find(clean); it != cache_.end()) return it->second.get();
  int fd = open_in_root(root_.get(), clean, O_PATH | O_DIRECTORY);
  if (fd < 0) return -1;
  return remember(clean, fd);
}

int RootDir::dir(const std::string& clean, bool create_missing) {
  int fd = try_dir(clean);
  if (fd >= 0) return fd;
  if (errno == ENOENT && create_missing) return remember(clean, create_dirs(clean));
  if (errno == ENOTDIR) fail("cannot use {} as a directory: a path component is not a directory", clean);
  fail_errno("open directory {}", clean);
}

// Walks the path one component at a time, each prefix resolved afresh in
// the root (so symlinks inside the tree are followed the way the kernel
// follows them), and mkdirat()s the missing component in the directory its
// prefix resolved to.
int RootDir::create_dirs(const std::string& clean) {
  UniqueFd parent;
  int parent_fd = root_.get();
  size_t pos = 0;
  for (;;) {
    size_t slash = clean.find('/', pos);
    std::string prefix = clean.substr(0, slash);
    std::string name = clean.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    UniqueFd fd(open_in_root(root_.get(), prefix, O_PATH | O_DIRECTORY));
    if (!fd && errno == ENOENT) {
      if (::mkdirat(parent_fd, name.c_str(), 0755) != 0 && errno != EEXIST) fail_errno("create directory {}", prefix);
      fd.reset(open_in_root(root_.get(), prefix, O_PATH | O_DIRECTORY));
    }
    if (!fd) {
      // EEXIST then ENOENT: a dangling symlink, whose target the kernel
      // will not create for us (and neither will we).
      if (errno == ENOENT) fail("create directory {}: a symlink in the way points to a missing target", prefix);
      if (errno == ENOTDIR) fail("cannot use {} as a directory: a path component is not a directory", prefix);
      fail_errno("open directory {}", prefix);
    }
    if (slash == std::string::npos) return fd.release();
    parent = std::move(fd);
    parent_fd = parent.get();
    pos = slash + 1;
  }
}

namespace {

// Removes everything inside the directory dir_fd. Recursion depth is
// bounded by PATH_MAX (the tree was made from paths openat2 accepted);
// running out of fds on a hostile tree ends in an error, never in a
// partial removal outside the root.
void remove_contents(int dir_fd, const std::string& shown) {
  std::vector<std::string> names = fs::list_dir_at(dir_fd, shown);
  for (const auto& name : names) {
    std::string child = shown + "/" + name;
    if (::unlinkat(dir_fd, name.c_str(), 0) == 0 || errno == ENOENT) continue;
    if (errno != EISDIR) fail_errno("remove {}", child);
    UniqueFd sub(::openat(dir_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub) fail_errno("open {}", child);
    remove_contents(sub.get(), child);
    if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) fail_errno("remove {}", child);
  }
}

}  // namespace

void RootDir::remove(int dir_fd, const std::string& name, const std::string& shown) {
  forget_cached();
  if (::unlinkat(dir_fd, name.c_str(), 0) == 0 || errno == ENOENT) return;
  if (errno != EISDIR) fail_errno("remove {}", shown);
  UniqueFd sub(::openat(dir_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!sub) fail_errno("open {}", shown);
  remove_contents(sub.get(), shown);
  if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0) fail_errno("remove {}", shown);
}

}  // namespace kayak::archive::detail
