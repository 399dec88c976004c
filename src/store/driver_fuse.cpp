#include "driver_checks.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

extern char** environ;

namespace kayak::store::detail {

namespace {

std::string find_program(const char* name) {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH")) dirs = str::split(path, ':');
  dirs.emplace_back("/usr/bin");
  dirs.emplace_back("/usr/local/bin");
  for (const auto& dir : dirs) {
    if (dir.empty()) continue;
    std::string candidate = fs::join(dir, name);
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

std::string first_line(int fd) {
  char buf[1024];
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return {};
  std::string text(buf, static_cast<size_t>(n));
  return std::string(str::trim(text.substr(0, text.find('\n'))));
}

// Runs the program, which mounts and then goes to the background; returns
// an empty string once it exited 0 (the mount is in place), else the reason.
std::string run_mount_program(const std::string& program, const std::vector<std::string>& argv) {
  // Output into a memfd, not a pipe: the daemon keeps its stderr open, so
  // reading a pipe to its end would wait for the unmount.
  UniqueFd output(::memfd_create("kayak-fuse-output", MFD_CLOEXEC));
  if (!output) return fmt::format("memfd_create: {}", std::strerror(errno));
  std::vector<std::string> args_storage = argv;
  std::vector<char*> args;
  for (auto& a : args_storage) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, output.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, output.get(), STDERR_FILENO);
  pid_t pid;
  int err = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return fmt::format("run {}: {}", program, std::strerror(err));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return fmt::format("wait for {}: {}", program, std::strerror(errno));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  std::string message = first_line(output.get());
  std::string how = WIFEXITED(status) ? fmt::format("exit status {}", WEXITSTATUS(status))
                                      : fmt::format("killed by signal {}", WTERMSIG(status));
  return message.empty() ? how : fmt::format("{} ({})", message, how);
}

}  // namespace

std::string check_fuse_overlayfs(const std::string& scratch) {
  std::string program = find_program("fuse-overlayfs");
  if (program.empty()) return "not installed";
  // Fail fast with the reason a user can act on, instead of fuse's own.
  UniqueFd fuse(::open("/dev/fuse", O_RDWR | O_CLOEXEC));
  if (!fuse) return fmt::format("/dev/fuse: {}", std::strerror(errno));
  fuse.reset();

  ProbeTree t = make_probe_tree(fs::join(scratch, "fuse"));
  fs::write_file_atomic(fs::join(t.upper, ".wh.gone"), "");
  fs::write_file_atomic(fs::join(t.upper, "opaque/.wh..wh..opq"), "");
  std::string options = fmt::format("lowerdir={},upperdir={},workdir={}", t.lower, t.upper, t.work);
  std::string failure = run_mount_program(program, {program, "-o", options, t.merged});
  if (!failure.empty()) return failure;
  MountGuard unmount(t.merged);
  return check_merged_view(t);
}

}  // namespace kayak::store::detail
