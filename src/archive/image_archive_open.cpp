// Opening files named by an (untrusted) archive, strictly inside its
// unpacked directory.
#include "image_archive_internal.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

namespace kayak::archive::detail {
namespace {

// openat2 with RESOLVE_BENEATH: unlike RESOLVE_IN_ROOT (which clamps an
// escaping link to the root and may quietly open a different file), an
// escape fails with EXDEV, so the user hears that the archive is hostile.
int open_beneath(int root_fd, const std::string& relative) {
  struct open_how how {};
  how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0;; ++attempt) {
    long fd = ::syscall(SYS_openat2, root_fd, relative.c_str(), &how, sizeof how);
    // EAGAIN: a concurrent rename somewhere; the kernel asks us to retry.
    if (fd < 0 && errno == EAGAIN && attempt < 16) continue;
    return static_cast<int>(fd);
  }
}

// For kernels without openat2 (< 5.6): resolve with realpath and require
// the result below the root. The unpacked directory is private to this
// process, so nothing can swap a component between check and open.
int open_by_realpath(const std::string& root_path, const std::string& relative) {
  if (!relative.empty() && relative[0] == '/') {
    errno = EXDEV;
    return -1;
  }
  char resolved[PATH_MAX];
  char root_resolved[PATH_MAX];
  if (!::realpath(root_path.c_str(), root_resolved)) return -1;
  if (!::realpath(fs::join(root_path, relative).c_str(), resolved)) return -1;
  std::string prefix = std::string(root_resolved) + "/";
  if (std::string_view(resolved).substr(0, prefix.size()) != prefix) {
    errno = EXDEV;
    return -1;
  }
  return ::open(resolved, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
}

std::string fd_path(int fd) {
  char buf[PATH_MAX];
  std::string link = "/proc/self/fd/" + std::to_string(fd);
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
  if (n < 0 || n >= static_cast<ssize_t>(sizeof buf)) fail_errno("readlink {}", link);
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

UniqueFd open_archive_root(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd) fail_errno("open {}", dir);
  return fd;
}

OpenedFile open_in_archive(int root_fd, const std::string& root_path, const std::string& relative,
                           const std::string& what) {
  if (relative.empty()) fail("{}: empty path", what);
  if (relative.find('\0') != std::string::npos) fail("{}: path contains a NUL byte", what);
  int fd = open_beneath(root_fd, relative);
  if (fd < 0 && errno == ENOSYS) fd = open_by_realpath(root_path, relative);
  if (fd < 0) {
    int err = errno;
    if (err == EXDEV) fail("{}: {} points outside the archive", what, relative);
    if (err == ENOENT || err == ENOTDIR) fail("{}: {} is missing from the archive", what, relative);
    if (err == ELOOP) fail("{}: {}: too many levels of symbolic links", what, relative);
    fail_errno_value(err, "{}: open {}", what, relative);
  }
  OpenedFile file;
  file.fd.reset(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail_errno("{}: stat {}", what, relative);
  if (!S_ISREG(st.st_mode)) fail("{}: {} is not a regular file", what, relative);
  // The reading end never blocks on a regular file; clear O_NONBLOCK anyway
  // (it was set so that opening a FIFO planted in the archive cannot hang).
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  file.size = static_cast<uint64_t>(st.st_size);
  file.real_path = fd_path(fd);
  // Belt and braces: what we report must be inside the root.
  std::string root_real = fd_path(root_fd);
  if (file.real_path.rfind(root_real + "/", 0) != 0) fail("{}: {} points outside the archive", what, relative);
  return file;
}

std::string read_document(OpenedFile& file, const std::string& what) {
  if (file.size > kMaxDocumentSize) fail("{}: {} bytes is too large for a JSON document", what, file.size);
  std::string data;
  data.resize(static_cast<size_t>(file.size));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pread(file.fd.get(), data.data() + done, data.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("read {}", what);
    if (n == 0) fail("read {}: file shrank while reading", what);
    done += static_cast<size_t>(n);
  }
  return data;
}

}  // namespace kayak::archive::detail
