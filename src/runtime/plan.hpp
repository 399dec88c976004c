// The launch plan (DESIGN "Threads, the child and the hot path"): a flat list
// of steps the parent prepares completely (every string, every array) and the
// child walks with raw system calls. Shared by the planner, the child and the
// parent that explains a failure.
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace kayak::runtime::detail {

enum class Op : int32_t {
  WaitForMaps,     // fd: read one byte (the parent wrote our ID maps); EOF: _exit quietly;
                   // kind: the pipe's write end, closed first
  SetNs,           // fd: namespace fd, kind: CLONE_NEW* type
  MakeMountsPrivate,
  OpenDirAt,       // a: host path, opened O_PATH onto fd number `fd` (a placeholder the parent holds)
  MountHost,       // a: source, b: host target, c: fstype, d: data, flags
  RunProgram,      // a: path, argv, envp, fd: output (memfd) for its stdout/stderr
  UnshareMounts,   // a fresh mount namespace (a copy) for the rest of the setup
  OpenRoot,        // a: host path of the mounted rootfs: becomes the root register
  MountIn,         // a: source, b: target relative to the root, c: fstype, d: data, flags,
                   // kind: Create*, x: 1 = skip quietly when the target is missing
  SysfsOrBind,     // b: "sys", flags: sysfs with these, else (EPERM) rbind of the host's /sys
  SetAttrIn,       // b: target in root ("." = the root mount), x: MOUNT_ATTR_* to set,
                   // kind: 1 = recursive, y: 1 = skip when missing
  MaskIn,          // b: target in root: /dev/null over a file, empty ro tmpfs over a dir
  SymlinkIn,       // a: link text, b: link path in root
  MkdirIn,         // b: directory in root, made with its missing parents (inside the rootfs)
  PivotRoot,       // (root register) pivot_root, detach the old root
  SetHostname,     // a
  SetDomainname,   // a
  LoopbackUp,      // bring up `lo` of the container's new network namespace
  Stdio,           // x: in, y: out, kind: err (fds in the parent's table; -1: /dev/null)
  Rlimit,          // kind: resource, x: soft, y: hard
  ResolveUser,     // a: "user[:group]", kind: 1 = may call setgroups, argv: (gid_t*) extra, x: count
  MkdirCwd,        // a: absolute path in the container
  Setsid,
  Tty,             // fd: socket to send the master to
  DropBounding,    // x: capability mask to keep, kind: last capability number
  Seccomp,         // blob: struct sock_fprog
  BindNotify,      // blob: struct sock_fprog (a user-notify filter), fd: socket to send its listener to;
                   // never fails: without the filter the socket is only closed
  SetUser,         // kind: 1 = may call setgroups
  SetCaps,         // x: mask for effective/permitted when the resolved uid is 0
  NoNewPrivs,
  Chdir,           // a
  CloseFromCloexec,  // every fd >= 3 close-on-exec (nothing of ours leaks into the container)
  ForkIntoPidNs,   // fd: pipe to write the grandchild's pid to; the grandchild goes on
  Exec,            // a: args[0], argv, envp, d: PATH to search (null: a has a '/'), kind: 1 = add HOME
};

enum Create : int32_t { CreateNone = 0, CreateDir = 1, CreateFile = 2 };

struct Step {
  Op op{};
  const char* a = nullptr;
  const char* b = nullptr;
  const char* c = nullptr;
  const char* d = nullptr;
  unsigned long flags = 0;
  int fd = -1;
  int kind = 0;
  uint64_t x = 0;
  uint64_t y = 0;
  char** argv = nullptr;
  char** envp = nullptr;
  const void* blob = nullptr;
};

// What the child writes to the report pipe when a step fails.
enum class Failure : int32_t {
  Errno,          // err: errno of the step
  NoSuchUser,     // the user name is not in /etc/passwd
  NoSuchGroup,    // the group name is not in /etc/group
  Program,        // RunProgram exited badly: value = wait status
  SetGroups,      // err; value: first gid
  SetGid,         // err; value: gid
  SetUid,         // err; value: uid
  ExecNotFound,   // err: ENOENT after a PATH search
};

struct Report {
  int32_t step = -1;
  int32_t err = 0;
  Failure failure = Failure::Errno;
  int32_t value = 0;
};

// Steps plus everything they point into. Strings live in a deque so their
// addresses stay put as more are added.
struct Plan {
  std::vector<Step> steps;
  std::vector<std::string> what;  // per step: "mount proc on /proc"
  std::deque<std::string> strings;
  std::deque<std::vector<char*>> arrays;
  std::deque<std::vector<gid_t>> gid_arrays;
  std::deque<sock_fprog> programs;
  std::string user_spec;  // for messages about user resolution

  const char* keep(std::string s) { return strings.emplace_back(std::move(s)).c_str(); }
  // A NULL-terminated array of copies of items, with `spare` extra NULL slots.
  char** keep_array(const std::vector<std::string>& items, size_t spare = 0);
  Step& add(Op op, std::string description);
};

// Runs the steps in the child; never returns. Reports the first failure on
// report_fd and exits 125.
[[noreturn]] void run_child(const Step* steps, size_t count, int report_fd);

}  // namespace kayak::runtime::detail
