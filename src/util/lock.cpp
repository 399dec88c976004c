#include "kayak/util/lock.hpp"

#include "kayak/util/error.hpp"

#include <fcntl.h>
#include <sys/file.h>

namespace kayak {

namespace {

UniqueFd open_lock_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) fail_errno("open lock {}", path);
  return fd;
}

int flock_op(FileLock::Mode mode) { return mode == FileLock::Mode::Shared ? LOCK_SH : LOCK_EX; }

}  // namespace

FileLock::FileLock(const std::string& path, Mode mode) : fd_(open_lock_file(path)), mode_(mode) {
  while (::flock(fd_.get(), flock_op(mode)) != 0) {
    if (errno != EINTR) fail_errno("lock {}", path);
  }
}

bool FileLock::try_lock(const std::string& path, Mode mode, FileLock& out) {
  UniqueFd fd = open_lock_file(path);
  if (::flock(fd.get(), flock_op(mode) | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return false;
    fail_errno("lock {}", path);
  }
  out.fd_ = std::move(fd);
  out.mode_ = mode;
  return true;
}

void FileLock::downgrade() {
  if (mode_ == Mode::Shared || !fd_) return;
  if (::flock(fd_.get(), LOCK_SH) != 0) fail_errno("downgrade lock");
  mode_ = Mode::Shared;
}

}  // namespace kayak
