#include "kayak/util/fs.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <set>

namespace kayak::fs {

std::string read_file(const std::string& path) {
  std::string out;
  if (!read_file_if_exists(path, out)) fail_errno_value(ENOENT, "read {}", path);
  return out;
}

bool read_file_if_exists(const std::string& path, std::string& out) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return false;
    fail_errno("open {}", path);
  }
  out.clear();
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno("read {}", path);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return true;
}

void write_file_atomic(const std::string& path, std::string_view data, mode_t mode) {
  AtomicFile file(path, mode);
  file.write(data);
  file.commit();
}

AtomicFile::AtomicFile(std::string path, mode_t mode) : path_(std::move(path)) {
  temp_path_ = path_ + ".tmp-XXXXXX";
  fd_ = ::mkostemp(temp_path_.data(), O_CLOEXEC);
  if (fd_ < 0) fail_errno("create temporary file for {}", path_);
  if (::fchmod(fd_, mode) != 0) {
    int err = errno;
    ::close(fd_);
    ::unlink(temp_path_.c_str());
    fail_errno_value(err, "chmod {}", temp_path_);
  }
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

void AtomicFile::write(const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno("write {}", path_);
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
}

void AtomicFile::commit() {
  if (::fsync(fd_) != 0) fail_errno("fsync {}", path_);
  if (::close(fd_) != 0) {
    fd_ = -1;
    fail_errno("close {}", path_);
  }
  fd_ = -1;
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) fail_errno("rename {} to {}", temp_path_, path_);
  committed_ = true;
  sync_dir(dirname(path_));
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

bool is_dir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void mkdir_p(const std::string& path, mode_t mode) {
  if (path.empty()) return;
  if (::mkdir(path.c_str(), mode) == 0) return;
  if (errno == EEXIST) {
    if (is_dir(path)) return;
    fail_errno_value(ENOTDIR, "create directory {}", path);
  }
  if (errno != ENOENT) fail_errno("create directory {}", path);
  std::string parent = dirname(path);
  if (parent != path) mkdir_p(parent, mode);
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) fail_errno("create directory {}", path);
}

namespace {

void remove_tree_at(int parent_fd, const char* name, const std::string& shown) {
  if (::unlinkat(parent_fd, name, 0) == 0 || errno == ENOENT) return;
  if (errno != EISDIR && errno != EPERM && errno != EACCES) fail_errno("remove {}", shown);
  if (errno == EACCES) {
    // The parent may be read-only: make it writable and retry.
    ::fchmod(parent_fd, 0700);
    if (::unlinkat(parent_fd, name, 0) == 0 || errno == ENOENT) return;
  }
  int fd = ::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == EACCES) {
    ::fchmodat(parent_fd, name, 0700, 0);
    fd = ::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  }
  if (fd < 0) fail_errno("remove {}", shown);
  ::fchmod(fd, 0700);
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    ::close(fd);
    fail_errno("read directory {}", shown);
  }
  std::vector<std::string> names;
  while (struct dirent* entry = ::readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
    names.emplace_back(entry->d_name);
  }
  for (const auto& child : names) remove_tree_at(::dirfd(dir), child.c_str(), shown + "/" + child);
  ::closedir(dir);
  if (::unlinkat(parent_fd, name, AT_REMOVEDIR) != 0 && errno != ENOENT) fail_errno("remove {}", shown);
}

}  // namespace

void remove_tree(const std::string& path) {
  if (path.empty() || path == "/") fail("refusing to remove \"{}\"", path);
  remove_tree_at(AT_FDCWD, path.c_str(), path);
}

void sync_dir(const std::string& path) {
  UniqueFd fd(::open(path.empty() ? "." : path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd) ::fsync(fd.get());
}

std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(path.c_str());
  if (!dir) {
    if (errno == ENOENT) return names;
    fail_errno("read directory {}", path);
  }
  while (struct dirent* entry = ::readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
    names.emplace_back(entry->d_name);
  }
  ::closedir(dir);
  return names;
}

std::vector<std::string> list_dir_at(int dir_fd, const std::string& shown) {
  int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail_errno("open {}", shown);
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    ::close(fd);
    fail_errno("read directory {}", shown);
  }
  std::vector<std::string> names;
  errno = 0;
  while (struct dirent* entry = ::readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) names.emplace_back(entry->d_name);
    errno = 0;
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) fail_errno_value(err, "read directory {}", shown);
  return names;
}

std::string read_fd_from_start(int fd, const std::string& shown) {
  std::string text;
  char buf[65536];
  off_t offset = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("read {}", shown);
    if (n == 0) return text;
    text.append(buf, static_cast<size_t>(n));
    offset += n;
  }
}

namespace {

void tree_size_at(int dir_fd, uint64_t& total, std::set<std::pair<dev_t, ino_t>>& seen) {
  DIR* dir = ::fdopendir(dir_fd);
  if (!dir) {
    ::close(dir_fd);
    return;
  }
  while (struct dirent* entry = ::readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
    struct stat st;
    if (::fstatat(::dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      int fd = ::openat(::dirfd(dir), entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) tree_size_at(fd, total, seen);
    } else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
      if (st.st_nlink > 1 && !seen.insert({st.st_dev, st.st_ino}).second) continue;
      total += static_cast<uint64_t>(st.st_size);
    }
  }
  ::closedir(dir);
}

}  // namespace

uint64_t tree_size(const std::string& path) {
  uint64_t total = 0;
  std::set<std::pair<dev_t, ino_t>> seen;
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) tree_size_at(fd, total, seen);
  return total;
}

std::string join(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  std::string out(a);
  if (out.back() != '/') out.push_back('/');
  while (!b.empty() && b.front() == '/') b.remove_prefix(1);
  out.append(b);
  return out;
}

std::string dirname(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  auto slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string basename(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string absolute(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  char* cwd = ::getcwd(nullptr, 0);
  if (!cwd) fail_errno("getcwd");
  std::string out = join(cwd, path);
  std::free(cwd);
  return out;
}

TempDir::TempDir(const std::string& parent, const std::string& prefix) {
  std::string base = parent;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp && *tmp ? tmp : "/tmp";
  }
  std::string templ = join(base, prefix + "XXXXXX");
  if (!::mkdtemp(templ.data())) fail_errno("create temporary directory in {}", base);
  path_ = templ;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  try {
    remove_tree(path_);
  } catch (...) {
    // Best effort: a destructor must not throw.
  }
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }

}  // namespace kayak::fs
