#include "kayak/util/userns.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include "newidmap.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>

namespace kayak {

namespace {

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) fail_errno("pipe");
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// What the child tells the parent about a failure: exit code, then the
// message. An empty report means fn succeeded.
struct ReportHeader {
  int32_t exit_code;
};

void write_report(int fd, int exit_code, std::string_view message) {
  ReportHeader header{exit_code};
  std::string data(reinterpret_cast<const char*>(&header), sizeof header);
  data.append(message);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nothing more we can do from the child
    done += static_cast<size_t>(n);
  }
}


void write_proc_file(const char* path, std::string_view text) {
  UniqueFd fd(::open(path, O_WRONLY | O_CLOEXEC));
  if (!fd) fail_errno("open {}", path);
  ssize_t n = ::write(fd.get(), text.data(), text.size());
  if (n < 0) fail_errno("write {} ({})", path, str::trim(text));
  if (static_cast<size_t>(n) != text.size()) fail("write {}: short write", path);
}

[[noreturn]] void fail_unshare(const char* what) {
  int err = errno;
  std::string hint;
  if (err == EPERM || err == ENOSPC || err == EACCES) {
    hint = " (user namespaces may be disabled: check the sysctls user.max_user_namespaces and "
           "kernel.unprivileged_userns_clone, and AppArmor's kernel.apparmor_restrict_unprivileged_userns)";
  } else if (err == EINVAL) {
    hint = " (the process has more than one thread)";
  }
  throw Error(fmt::format("unshare({}): {}{}", what, std::strerror(err), hint));
}

void make_mounts_private() {
  // Mounts fn makes must not propagate to the host (or to other
  // namespaces), and host mounts need not propagate in.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) fail_errno("make / a private mount");
}

void become_root_in_namespace() {
  if (::setresgid(0, 0, 0) < 0) fail_errno("setresgid(0) in the user namespace");
  if (::setresuid(0, 0, 0) < 0) fail_errno("setresuid(0) in the user namespace");
}

// The child's half of the setup. ready/go are only used with subordinate
// ranges, where the parent must run newuidmap/newgidmap on our pid.
void enter_namespaces(const Identity& id, bool new_mount_ns, Pipe* ready, Pipe* go) {
  int mount_flag = new_mount_ns ? CLONE_NEWNS : 0;
  switch (id.mode) {
  case IdentityMode::Root:
    if (new_mount_ns) {
      if (::unshare(CLONE_NEWNS) < 0) fail_unshare("CLONE_NEWNS");
      make_mounts_private();
    }
    return;
  case IdentityMode::SingleId:
    if (::unshare(CLONE_NEWUSER | mount_flag) < 0) fail_unshare("CLONE_NEWUSER");
    // An unprivileged process may map its own ids, once setgroups is denied.
    write_proc_file("/proc/self/setgroups", "deny");
    write_proc_file("/proc/self/uid_map", fmt::format("0 {} 1\n", id.uid));
    write_proc_file("/proc/self/gid_map", fmt::format("0 {} 1\n", id.gid));
    break;
  case IdentityMode::SubordinateRange: {
    if (::unshare(CLONE_NEWUSER | mount_flag) < 0) fail_unshare("CLONE_NEWUSER");
    char byte = 'u';
    if (::write(ready->write.get(), &byte, 1) != 1) fail_errno("tell the parent the namespace exists");
    ready->write.reset();
    ssize_t n;
    while ((n = ::read(go->read.get(), &byte, 1)) < 0 && errno == EINTR) {
    }
    // No byte: the parent could not write our maps and reports why itself.
    if (n != 1) ::_exit(1);
    go->read.reset();
    // Supplementary groups outside the mapping would show up as nogroup
    // and cannot be used meaningfully; drop them.
    (void)::setgroups(0, nullptr);
    break;
  }
  }
  become_root_in_namespace();
  if (new_mount_ns) make_mounts_private();
}

void flush_stdio() {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(stdout);
  std::fflush(stderr);
}

[[noreturn]] void child_main(const Identity& id, const std::function<void()>& fn, bool new_mount_ns, Pipe* ready,
                             Pipe* go, int report_fd, pid_t parent) {
  int code = 0;
  try {
    enter_namespaces(id, new_mount_ns, ready, go);
    // Set after the credential change (which clears it): a killed command
    // must not leave its helper working on the store.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    fn();
  } catch (const Error& e) {
    write_report(report_fd, e.exit_code(), e.what());
    code = 1;
  } catch (const std::exception& e) {
    write_report(report_fd, 125, e.what());
    code = 1;
  } catch (...) {
    write_report(report_fd, 125, "unknown error in the user-namespace helper process");
    code = 1;
  }
  flush_stdio();
  ::_exit(code);
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail_errno("wait for helper process {}", pid);
  }
  return status;
}

}  // namespace

void run_in_userns(const Identity& id, const std::function<void()>& fn, bool new_mount_ns) {
  // A memfd, not a pipe: read after the child exits, so a grandchild that
  // inherited it (a daemon fn started) can never keep us waiting.
  UniqueFd report(::memfd_create("kayak-userns-report", MFD_CLOEXEC));
  if (!report) fail_errno("memfd_create");
  std::optional<Pipe> ready, go;
  if (id.mode == IdentityMode::SubordinateRange) {
    ready = make_pipe();
    go = make_pipe();
  }
  // Buffered output must not be written twice, once by each process.
  flush_stdio();
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) fail_errno("fork");
  if (pid == 0) {
    if (ready) {
      ready->read.reset();
      go->write.reset();
    }
    child_main(id, fn, new_mount_ns, ready ? &*ready : nullptr, go ? &*go : nullptr, report.get(), parent);
  }

  if (ready) {
    ready->write.reset();
    go->read.reset();
    char byte;
    ssize_t n;
    while ((n = ::read(ready->read.get(), &byte, 1)) < 0 && errno == EINTR) {
    }
    if (n == 1) {
      try {
        detail::write_maps_with_helpers(pid, id);
      } catch (...) {
        go->write.reset();  // the child sees EOF and exits quietly
        wait_for(pid);
        throw;
      }
      if (::write(go->write.get(), "g", 1) != 1) {
        int err = errno;
        ::kill(pid, SIGKILL);
        wait_for(pid);
        fail_errno_value(err, "start the user-namespace helper process");
      }
    }
    // n == 0: the child failed before its namespace existed; its report says why.
  }

  int status = wait_for(pid);
  std::string text = fs::read_fd_from_start(report.get(), "the namespace child's report");
  if (text.size() >= sizeof(ReportHeader)) {
    ReportHeader header;
    std::memcpy(&header, text.data(), sizeof header);
    throw Error(text.substr(sizeof header), header.exit_code);
  }
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    fail("user-namespace helper process killed by signal {} ({})", sig, ::strsignal(sig));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fail("user-namespace helper process exited with status {}", WEXITSTATUS(status));
  }
}

bool in_user_namespace() {
  std::string text;
  if (!fs::read_file_if_exists("/proc/self/uid_map", text)) return false;
  // The initial namespace maps every id to itself in one line.
  auto fields = str::split(str::trim(text), ' ');
  std::vector<std::string> words;
  for (auto& f : fields) {
    if (!f.empty()) words.push_back(f);
  }
  return !(words.size() == 3 && words[0] == "0" && words[1] == "0" && words[2] == "4294967295");
}

}  // namespace kayak
