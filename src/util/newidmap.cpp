#include "newidmap.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/strings.hpp"

#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace kayak::detail {

namespace {

std::string find_helper(const std::string& name) {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH")) dirs = str::split(path, ':');
  // Also where Debian and Fedora install them, for a caller with a thin PATH.
  for (const char* dir : {"/usr/bin", "/usr/sbin", "/bin", "/sbin"}) dirs.emplace_back(dir);
  for (const auto& dir : dirs) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  fail("{} not found: install the uidmap package (it provides newuidmap and newgidmap, needed to use the "
       "subordinate IDs in /etc/subuid and /etc/subgid)",
       name);
}

// One helper run: spawned, then waited for, its output kept in a memfd
// (not a pipe, so a chatty helper can never block on a full pipe).
struct HelperRun {
  std::string name;
  std::vector<std::string> argv;
  UniqueFd output;
  pid_t pid = -1;
};

void spawn_helper(HelperRun& run, pid_t target, const std::vector<IdMapEntry>& entries) {
  std::string path = find_helper(run.name);
  run.argv = {path, std::to_string(target)};
  for (const auto& e : entries) {
    run.argv.push_back(std::to_string(e.container_id));
    run.argv.push_back(std::to_string(e.host_id));
    run.argv.push_back(std::to_string(e.size));
  }
  run.output.reset(::memfd_create("kayak-idmap-output", MFD_CLOEXEC));
  if (!run.output) fail_errno("memfd_create");

  std::vector<char*> args;
  for (auto& a : run.argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, run.output.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, run.output.get(), STDERR_FILENO);
  int err = ::posix_spawn(&run.pid, path.c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) fail_errno_value(err, "run {}", path);
}


// Empty when the helper succeeded, else what went wrong.
std::string wait_helper(HelperRun& run, const Identity& id, const char* file) {
  int status = 0;
  while (::waitpid(run.pid, &status, 0) < 0) {
    if (errno != EINTR) return fmt::format("wait for {}: {}", run.name, std::strerror(errno));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  std::string how = WIFEXITED(status) ? fmt::format("exit status {}", WEXITSTATUS(status))
                                      : fmt::format("killed by signal {}", WTERMSIG(status));
  std::string output = std::string(str::trim(fs::read_fd_from_start(run.output.get(), "the output of " + run.name)));
  std::string command = str::join(run.argv, " ");
  return fmt::format("{} failed ({}){}{} (check the entries for {} in {}, and that {} is setuid root or has "
                     "the setuid capability)",
                     command, how, output.empty() ? "" : ": ", output,
                     id.user_name.empty() ? std::to_string(id.uid) : id.user_name, file, run.argv[0]);
}

}  // namespace

void write_maps_with_helpers(pid_t pid, const Identity& id) {
  // Both helpers run at once: they touch different files and each costs an
  // exec, which is most of the time a store write spends on the namespace.
  HelperRun uid_run{"newuidmap", {}, {}, -1};
  HelperRun gid_run{"newgidmap", {}, {}, -1};
  spawn_helper(uid_run, pid, id.mapping.uids);
  try {
    spawn_helper(gid_run, pid, id.mapping.gids);
  } catch (...) {
    wait_helper(uid_run, id, "/etc/subuid");
    throw;
  }
  std::string uid_error = wait_helper(uid_run, id, "/etc/subuid");
  std::string gid_error = wait_helper(gid_run, id, "/etc/subgid");
  if (!uid_error.empty()) throw Error(uid_error);
  if (!gid_error.empty()) throw Error(gid_error);
}

}  // namespace kayak::detail
