// Shared by the runtime tests: a busybox rootfs in a temp dir and a way to
// run a container to completion and collect its output.
#pragma once

#include "kayak/runtime/defaults.hpp"
#include "kayak/runtime/launch.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"

#include <doctest/doctest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

// Launching as real root needs root; rootless cases fork their own users.
#define SKIP_UNLESS_ROOT()                               \
  do {                                                   \
    if (::geteuid() != 0) {                              \
      MESSAGE("skipped: launching as root needs root");  \
      return;                                            \
    }                                                    \
  } while (0)

namespace kayak::test {

inline void write_text(const std::string& path, const std::string& text) {
  fs::mkdir_p(fs::dirname(path));
  fs::write_file_atomic(path, text);
}

// A root file system with the host's static busybox as /bin/busybox and
// /bin/sh, plus /etc/passwd and /etc/group.
inline void make_busybox_tree(const std::string& root) {
  fs::mkdir_p(root + "/bin");
  std::string busybox = fs::read_file("/bin/busybox");
  fs::write_file_atomic(root + "/bin/busybox", busybox, 0755);
  REQUIRE(::symlink("busybox", (root + "/bin/sh").c_str()) == 0);
  write_text(root + "/etc/passwd",
             "root:x:0:0:root:/root:/bin/sh\n"
             "alice:x:1000:1000:Alice:/home/alice:/bin/sh\n");
  write_text(root + "/etc/group",
             "root:x:0:root\n"
             "wheel:x:10:root\n"
             "staff:x:50:alice,bob\n"
             "users:x:100:\n"
             "alice:x:1000:\n");
}

inline runtime::ContainerSpec busybox_spec(const std::string& rootfs) {
  runtime::ContainerSpec spec;
  spec.rootfs.driver = "vfs";
  spec.rootfs.vfs_dir = rootfs;
  spec.hostname = "ctr";
  spec.masked_paths = runtime::default_masked_paths();
  spec.readonly_paths = runtime::default_readonly_paths();
  spec.process.env = {"PATH=/bin"};
  spec.process.caps = runtime::default_capabilities();
  return spec;
}

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline int wait_exit_code(pid_t pid) {
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Kills and reaps a long-running container init when a test ends, whether
// its checks passed or not: no test leaves a process behind.
class KillOnExit {
public:
  explicit KillOnExit(pid_t pid) : pid_(pid) {}
  ~KillOnExit() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status;
    ::waitpid(pid_, &status, 0);
  }
  KillOnExit(const KillOnExit&) = delete;
  KillOnExit& operator=(const KillOnExit&) = delete;
  // The test reaps it itself.
  void release() { pid_ = -1; }

private:
  pid_t pid_;
};

// Runs a shell script in the container and waits for it.
inline RunResult run_sh(runtime::ContainerSpec spec, const std::string& script) {
  spec.process.args = {"/bin/sh", "-c", script};
  UniqueFd out(::memfd_create("ctr-out", MFD_CLOEXEC));
  UniqueFd err(::memfd_create("ctr-err", MFD_CLOEXEC));
  runtime::Launched launched = runtime::launch(spec, {-1, out.get(), err.get()});
  RunResult r;
  r.exit_code = wait_exit_code(launched.pid);
  r.out = fs::read_fd_from_start(out.get(), "stdout");
  r.err = fs::read_fd_from_start(err.get(), "stderr");
  return r;
}

}  // namespace kayak::test
