// flock(2)-based locks: shared to read, exclusive to change. The lock is
// released when the object is destroyed (or the process dies).
#pragma once

#include "kayak/util/fd.hpp"

#include <string>

namespace kayak {

class FileLock {
public:
  enum class Mode { Shared, Exclusive };

  FileLock() = default;
  // Blocks until the lock is held. Creates the lock file if needed.
  FileLock(const std::string& path, Mode mode);
  // Non-blocking variant: false when someone else holds it.
  static bool try_lock(const std::string& path, Mode mode, FileLock& out);

  Mode mode() const { return mode_; }
  bool held() const { return fd_.valid(); }
  // Exclusive -> shared without releasing in between.
  void downgrade();
  void unlock() { fd_.reset(); }

private:
  UniqueFd fd_;
  Mode mode_ = Mode::Shared;
};

}  // namespace kayak
