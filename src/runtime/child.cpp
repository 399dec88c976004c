// The container side of launch and exec_in: walks a prepared plan between
// clone and execve. Raw system calls only; no allocation, no exceptions, no
// logging (a unit test checks this object references no malloc, operator new
// or __cxa_throw). The first failing step is reported to the parent as a
// Report over a close-on-exec pipe; success is the pipe closing at execve.
#include "plan.hpp"

#include "child_user.hpp"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/mount.h>
#include <net/if.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>

namespace kayak::runtime::detail {

namespace {

int g_report_fd = -1;
int g_root = -1;          // the mounted rootfs, until pivot_root
ResolvedUser g_user;      // filled by ResolveUser
char g_home_env[sizeof(ResolvedUser::home) + 8];

[[noreturn]] void report(size_t step, int err, Failure failure = Failure::Errno, int32_t value = 0) {
  Report r;
  r.step = static_cast<int32_t>(step);
  r.err = err;
  r.failure = failure;
  r.value = value;
  const char* p = reinterpret_cast<const char*>(&r);
  size_t left = sizeof r;
  while (left > 0) {
    ssize_t n = ::write(g_report_fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
  ::_exit(125);
}

// "/proc/self/fd/<fd>": mounting on it lands on what the fd resolved to,
// which is how a target found safely inside the rootfs gets its mount.
void fd_path(char (&buf)[32], int fd) {
  char digits[16];
  int n = 0;
  unsigned v = static_cast<unsigned>(fd);
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  std::memcpy(buf, "/proc/self/fd/", 14);
  int i = 14;
  while (n > 0) buf[i++] = digits[--n];
  buf[i] = '\0';
}

// Opens rel inside the rootfs: symlinks and ".." resolve as if the rootfs
// were "/", so an image cannot point a mount target outside itself.
int open_in_root(const char* rel, int flags) {
  struct open_how how;
  std::memset(&how, 0, sizeof how);
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(::syscall(SYS_openat2, g_root, rel, &how, sizeof how));
}

// Appends src to dst (holding *len bytes); false when it does not fit.
bool append(char* dst, size_t size, size_t* len, const char* src, size_t n) {
  if (*len + n >= size) return false;
  std::memcpy(dst + *len, src, n);
  *len += n;
  dst[*len] = '\0';
  return true;
}

// The target's O_PATH fd, creating missing components inside the rootfs
// (directories, and the last one as a file when asked). A dangling symlink
// on the way is followed inside the rootfs and its target created, as
// Docker does. -1 with errno.
int ensure_target(const char* rel, int create) {
  int fd = open_in_root(rel, O_PATH);
  if (fd >= 0 || errno != ENOENT || create == CreateNone) return fd;
  char buf[PATH_MAX];
  size_t len = std::strlen(rel);
  if (len >= sizeof buf) {
    errno = ENAMETOOLONG;
    return -1;
  }
  std::memcpy(buf, rel, len + 1);
  for (int hops = 0; hops < 40; ++hops) {
    bool restart = false;
    size_t i = 0;
    for (;;) {
      size_t j = i;
      while (buf[j] != '\0' && buf[j] != '/') ++j;
      bool last = buf[j] == '\0';
      char saved = buf[j];
      buf[j] = '\0';
      if (j > i) {
        int probe = open_in_root(buf, O_PATH);
        if (probe >= 0) {
          ::close(probe);
        } else if (errno != ENOENT) {
          return -1;
        } else {
          int parent;
          if (i == 0) {
            parent = open_in_root(".", O_PATH | O_DIRECTORY);
          } else {
            buf[i - 1] = '\0';
            parent = open_in_root(buf, O_PATH | O_DIRECTORY);
            buf[i - 1] = '/';
          }
          if (parent < 0) return -1;
          int rc;
          if (last && create == CreateFile) {
            rc = ::openat(parent, buf + i, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
            if (rc >= 0) ::close(rc);
          } else {
            rc = ::mkdirat(parent, buf + i, 0755);
          }
          int err = errno;
          if (rc < 0 && (err == EEXIST || err == ELOOP)) {
            // It exists yet did not resolve: a dangling symlink. Go on from
            // its target (resolved inside the rootfs like everything else).
            char link[PATH_MAX];
            ssize_t n = ::readlinkat(parent, buf + i, link, sizeof link - 1);
            ::close(parent);
            if (n < 0) {
              errno = err;
              return -1;
            }
            link[n] = '\0';
            char next[PATH_MAX];
            size_t next_len = 0;
            next[0] = '\0';
            const char* target = link;
            bool ok = true;
            if (*target == '/') {
              while (*target == '/') ++target;
            } else if (i > 0) {
              ok = append(next, sizeof next, &next_len, buf, i);  // the parent's path and its '/'
            }
            ok = ok && append(next, sizeof next, &next_len, target, std::strlen(target));
            if (ok && !last) {
              ok = append(next, sizeof next, &next_len, "/", 1) &&
                   append(next, sizeof next, &next_len, buf + j + 1, std::strlen(buf + j + 1));
            }
            if (!ok) {
              errno = ENAMETOOLONG;
              return -1;
            }
            std::memcpy(buf, next, next_len + 1);
            restart = true;
            break;
          }
          ::close(parent);
          if (rc < 0) {
            errno = err;
            return -1;
          }
        }
      }
      buf[j] = saved;
      if (last) break;
      i = j + 1;
    }
    if (!restart) return open_in_root(buf, O_PATH);
  }
  errno = ELOOP;
  return -1;
}

int mount_on_fd(const char* source, int fd, const char* fstype, unsigned long flags, const char* data) {
  char path[32];
  fd_path(path, fd);
  return ::mount(source, path, fstype, flags, data);
}

int set_mount_attr(int fd, uint64_t attr_set, bool recursive) {
  struct mount_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.attr_set = attr_set;
  unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
  return static_cast<int>(::syscall(SYS_mount_setattr, fd, "", flags, &attr, sizeof attr));
}

void reset_signals() {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    ::sigaction(sig, &dfl, nullptr);  // fails harmlessly for the signals glibc reserves
  }
}

void wait_for_maps(const Step& s) {
  ::close(s.kind);  // our copy of the write end: the parent's is the one that counts
  char byte;
  ssize_t n;
  while ((n = ::read(s.fd, &byte, 1)) < 0 && errno == EINTR) {
  }
  // No byte: the parent could not map us and reports why itself.
  if (n != 1) ::_exit(125);
  ::close(s.fd);
}

void run_program(const Step& s, size_t index) {
  pid_t pid = ::fork();
  if (pid < 0) report(index, errno);
  if (pid == 0) {
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    ::dup2(s.fd, STDOUT_FILENO);
    ::dup2(s.fd, STDERR_FILENO);
    ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
    ::execve(s.a, s.argv, s.envp);
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) report(index, errno);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) report(index, 0, Failure::Program, status);
}

void mount_in(const Step& s, size_t index) {
  int fd = ensure_target(s.b, s.kind);
  if (fd < 0) {
    if (s.x != 0 && errno == ENOENT) return;
    report(index, errno);
  }
  int rc = mount_on_fd(s.a, fd, s.c, s.flags, s.d);
  int err = errno;
  ::close(fd);
  if (rc < 0) report(index, err);
}

void sysfs_or_bind(const Step& s, size_t index) {
  int fd = ensure_target(s.b, CreateDir);
  if (fd < 0) report(index, errno);
  if (mount_on_fd("sysfs", fd, "sysfs", s.flags, nullptr) == 0) {
    ::close(fd);
    return;
  }
  // Without a network namespace of our own, the kernel refuses a new sysfs
  // to a user namespace: show the host's, read-only.
  if (errno != EPERM) report(index, errno);
  int rc = mount_on_fd("/sys", fd, nullptr, MS_BIND | MS_REC, nullptr);
  int err = errno;
  ::close(fd);
  if (rc < 0) report(index, err);
  int top = open_in_root(s.b, O_PATH);
  if (top < 0) report(index, errno);
  uint64_t attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  if (s.flags & MS_RDONLY) attrs |= MOUNT_ATTR_RDONLY;
  rc = set_mount_attr(top, attrs, true);
  err = errno;
  ::close(top);
  if (rc < 0) report(index, err);
}

void set_attr_in(const Step& s, size_t index) {
  int fd = open_in_root(s.b, O_PATH);
  if (fd < 0) {
    if (s.y != 0 && errno == ENOENT) return;
    report(index, errno);
  }
  int rc = set_mount_attr(fd, s.x, s.kind != 0);
  int err = errno;
  ::close(fd);
  if (rc < 0) report(index, err);
}

void mask_in(const Step& s, size_t index) {
  int fd = open_in_root(s.b, O_PATH);
  if (fd < 0) {
    if (errno == ENOENT) return;  // not on this kernel
    report(index, errno);
  }
  struct stat st;
  int rc = ::fstat(fd, &st);
  if (rc == 0) {
    if (S_ISDIR(st.st_mode)) {
      rc = mount_on_fd("tmpfs", fd, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=755");
    } else {
      rc = mount_on_fd("/dev/null", fd, nullptr, MS_BIND, nullptr);
    }
  }
  int err = errno;
  ::close(fd);
  if (rc < 0) report(index, err);
}

void symlink_in(const Step& s, size_t index) {
  // The link's directory is already in the plan's mounts (/dev); resolve
  // it inside the rootfs and create the link there.
  const char* slash = std::strrchr(s.b, '/');
  char dir[PATH_MAX];
  const char* name = s.b;
  int parent;
  if (slash == nullptr) {
    parent = open_in_root(".", O_PATH | O_DIRECTORY);
  } else {
    size_t len = static_cast<size_t>(slash - s.b);
    if (len >= sizeof dir) report(index, ENAMETOOLONG);
    std::memcpy(dir, s.b, len);
    dir[len] = '\0';
    name = slash + 1;
    parent = open_in_root(dir, O_PATH | O_DIRECTORY);
  }
  if (parent < 0) report(index, errno);
  int rc = ::symlinkat(s.a, parent, name);
  int err = errno;
  ::close(parent);
  if (rc < 0 && err != EEXIST) report(index, err);
}

void pivot_root(size_t index) {
  if (::fchdir(g_root) < 0) report(index, errno);
  // pivot_root(".", "."): the old root ends up stacked on the new one and
  // is detached right away; no directory inside the image is needed.
  if (::syscall(SYS_pivot_root, ".", ".") < 0) report(index, errno);
  if (::umount2(".", MNT_DETACH) < 0) report(index, errno);
  if (::chdir("/") < 0) report(index, errno);
  ::close(g_root);
  g_root = -1;
}

// ioctl(SIOCSIFFLAGS) on a throwaway socket: the same as `ip link set lo up`.
void loopback_up(size_t index) {
  int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) report(index, errno);
  struct ifreq request {};
  std::memcpy(request.ifr_name, "lo", 3);
  if (::ioctl(sock, SIOCGIFFLAGS, &request) < 0) report(index, errno);
  request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP | IFF_RUNNING);
  if (::ioctl(sock, SIOCSIFFLAGS, &request) < 0) report(index, errno);
  ::close(sock);
}

void setup_stdio(const Step& s, size_t index) {
  int wanted[3] = {static_cast<int>(static_cast<int64_t>(s.x)), static_cast<int>(static_cast<int64_t>(s.y)), s.kind};
  int moved[3] = {-1, -1, -1};
  // Move out of the way first, so fd 1 given as "stdin" is not clobbered
  // by the dup onto fd 1.
  for (int i = 0; i < 3; ++i) {
    if (wanted[i] < 0) continue;
    moved[i] = ::fcntl(wanted[i], F_DUPFD_CLOEXEC, 10);
    if (moved[i] < 0) report(index, errno);
  }
  for (int i = 0; i < 3; ++i) {
    int fd = moved[i];
    if (fd < 0) {
      fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
      if (fd < 0) report(index, errno);
    }
    if (::dup2(fd, i) < 0) report(index, errno);
    ::close(fd);
  }
}

void resolve(const Step& s, size_t index) {
  int err = 0;
  switch (resolve_user(s.a, static_cast<const gid_t*>(s.blob), static_cast<size_t>(s.x), g_user, &err)) {
  case UserLookup::Ok:
    return;
  case UserLookup::NoSuchUser:
    report(index, 0, Failure::NoSuchUser);
  case UserLookup::NoSuchGroup:
    report(index, 0, Failure::NoSuchGroup);
  case UserLookup::Failed:
    report(index, err);
  }
}

void mkdir_cwd(const Step& s, size_t index) {
  char buf[PATH_MAX];
  size_t len = std::strlen(s.a);
  if (len >= sizeof buf) report(index, ENAMETOOLONG);
  std::memcpy(buf, s.a, len + 1);
  for (size_t i = 1; i <= len; ++i) {
    if (buf[i] != '/' && buf[i] != '\0') continue;
    char saved = buf[i];
    buf[i] = '\0';
    if (::mkdir(buf, 0755) < 0 && errno != EEXIST) report(index, errno);
    buf[i] = saved;
  }
}

// Sends fd over a unix socket with one byte of data (SCM_RIGHTS).
void send_fd(int socket, int fd, char byte, size_t index) {
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  std::memset(&control, 0, sizeof control);
  struct iovec iov = {&byte, 1};
  struct msghdr msg;
  std::memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  struct cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
  while (::sendmsg(socket, &msg, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) report(index, errno);
  }
}

void setup_tty(const Step& s, size_t index) {
  int master = ::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) report(index, errno);
  int unlock = 0;
  if (::ioctl(master, TIOCSPTLCK, &unlock) < 0) report(index, errno);
  int slave = ::ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
  if (slave < 0) report(index, errno);
  // The process's own terminal: it must be able to reopen it (/dev/tty).
  if (g_user.uid != 0 && ::fchown(slave, g_user.uid, static_cast<gid_t>(-1)) < 0) report(index, errno);
  if (::ioctl(slave, TIOCSCTTY, 0) < 0) report(index, errno);
  for (int i = 0; i < 3; ++i) {
    if (::dup2(slave, i) < 0) report(index, errno);
  }
  if (slave > 2) ::close(slave);

  send_fd(s.fd, master, 't', index);
  ::close(master);
  ::close(s.fd);
}

// A kernel without listener filters (before 5.0), or one that refuses it:
// binds go to the kernel as usual and the forwarder, seeing the socket
// close without a listener, keeps relaying.
void bind_notify(const Step& s, size_t index) {
  long listener = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, s.blob);
  if (listener >= 0) {
    send_fd(s.fd, static_cast<int>(listener), 'b', index);
    ::close(static_cast<int>(listener));
  }
  ::close(s.fd);
}

void drop_bounding(const Step& s, size_t index) {
  for (int cap = 0; cap <= s.kind && cap < 64; ++cap) {
    if ((s.x >> cap) & 1) continue;
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) report(index, errno);
  }
}

void set_user(const Step& s, size_t index) {
  if (s.kind != 0) {
    if (::setgroups(g_user.group_count, g_user.groups) < 0) {
      report(index, errno, Failure::SetGroups,
             g_user.group_count ? static_cast<int32_t>(g_user.groups[0]) : 0);
    }
  }
  if (::setresgid(g_user.gid, g_user.gid, g_user.gid) < 0) {
    report(index, errno, Failure::SetGid, static_cast<int32_t>(g_user.gid));
  }
  if (::setresuid(g_user.uid, g_user.uid, g_user.uid) < 0) {
    report(index, errno, Failure::SetUid, static_cast<int32_t>(g_user.uid));
  }
}

void set_caps(const Step& s, size_t index) {
  // Docker: root gets the set as effective and permitted; anyone else keeps
  // it only in the bounding set. Inheritable and ambient stay empty.
  uint64_t mask = g_user.uid == 0 ? s.x : 0;
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  std::memset(data, 0, sizeof data);
  data[0].effective = data[0].permitted = static_cast<uint32_t>(mask);
  data[1].effective = data[1].permitted = static_cast<uint32_t>(mask >> 32);
  if (::syscall(SYS_capset, &header, data) < 0) report(index, errno);
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) report(index, errno);
}

void fork_into_pid_ns(const Step& s, size_t index) {
  // CLONE_PARENT: the process that joins the pid namespace is the caller's
  // child, not ours, so the caller waits on it like on any container init.
  long pid = ::syscall(SYS_clone, CLONE_PARENT, nullptr, nullptr, nullptr, nullptr);
  if (pid < 0) report(index, errno);
  if (pid > 0) {
    int32_t value = static_cast<int32_t>(pid);
    ssize_t n;
    while ((n = ::write(s.fd, &value, sizeof value)) < 0 && errno == EINTR) {
    }
    ::_exit(n == sizeof value ? 0 : 125);
  }
  ::close(s.fd);
}

void exec(const Step& s, size_t index) {
  char** envp = s.envp;
  if (s.kind == 1) {
    size_t n = 0;
    while (envp[n] != nullptr) ++n;
    std::memcpy(g_home_env, "HOME=", 5);
    std::memcpy(g_home_env + 5, g_user.home, std::strlen(g_user.home) + 1);
    envp[n] = g_home_env;  // the plan left a spare slot
  }
  if (s.d == nullptr) {
    ::execve(s.a, s.argv, envp);
    report(index, errno);
  }
  bool denied = false;
  int other = 0;
  size_t name_len = std::strlen(s.a);
  for (const char* dir = s.d;;) {
    const char* end = std::strchr(dir, ':');
    size_t dir_len = end ? static_cast<size_t>(end - dir) : std::strlen(dir);
    char path[PATH_MAX];
    if (dir_len + 1 + name_len < sizeof path) {
      size_t i = 0;
      if (dir_len == 0) {
        path[i++] = '.';
      } else {
        std::memcpy(path, dir, dir_len);
        i = dir_len;
      }
      path[i++] = '/';
      std::memcpy(path + i, s.a, name_len + 1);
      ::execve(path, s.argv, envp);
      if (errno == EACCES) {
        denied = true;
      } else if (errno != ENOENT && errno != ENOTDIR && other == 0) {
        other = errno;
      }
    }
    if (end == nullptr) break;
    dir = end + 1;
  }
  if (other != 0) report(index, other);
  if (denied) report(index, EACCES);
  report(index, ENOENT, Failure::ExecNotFound);
}

void run_step(const Step& s, size_t i) {
  switch (s.op) {
  case Op::WaitForMaps:
    wait_for_maps(s);
    return;
  case Op::SetNs:
    if (::setns(s.fd, s.kind) < 0) report(i, errno);
    ::close(s.fd);
    return;
  case Op::MakeMountsPrivate:
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) report(i, errno);
    return;
  case Op::OpenDirAt: {
    int fd = ::open(s.a, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) report(i, errno);
    if (::dup3(fd, s.fd, O_CLOEXEC) < 0) report(i, errno);
    ::close(fd);
    return;
  }
  case Op::MountHost:
    if (::mount(s.a, s.b, s.c, s.flags, s.d) < 0) report(i, errno);
    return;
  case Op::RunProgram:
    run_program(s, i);
    return;
  case Op::UnshareMounts:
    if (::unshare(CLONE_NEWNS) < 0) report(i, errno);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) report(i, errno);
    return;
  case Op::OpenRoot:
    g_root = ::open(s.a, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (g_root < 0) report(i, errno);
    return;
  case Op::MountIn:
    mount_in(s, i);
    return;
  case Op::SysfsOrBind:
    sysfs_or_bind(s, i);
    return;
  case Op::SetAttrIn:
    set_attr_in(s, i);
    return;
  case Op::MaskIn:
    mask_in(s, i);
    return;
  case Op::SymlinkIn:
    symlink_in(s, i);
    return;
  case Op::MkdirIn: {
    int fd = ensure_target(s.b, CreateDir);
    if (fd < 0) report(i, errno);
    ::close(fd);
    return;
  }
  case Op::PivotRoot:
    pivot_root(i);
    return;
  case Op::SetHostname:
    if (::sethostname(s.a, std::strlen(s.a)) < 0) report(i, errno);
    return;
  case Op::SetDomainname:
    if (::setdomainname(s.a, std::strlen(s.a)) < 0) report(i, errno);
    return;
  case Op::LoopbackUp:
    loopback_up(i);
    return;
  case Op::Stdio:
    setup_stdio(s, i);
    return;
  case Op::Rlimit: {
    struct rlimit limit = {static_cast<rlim_t>(s.x), static_cast<rlim_t>(s.y)};
    if (::prlimit(0, static_cast<__rlimit_resource>(s.kind), &limit, nullptr) < 0) report(i, errno);
    return;
  }
  case Op::ResolveUser:
    resolve(s, i);
    return;
  case Op::MkdirCwd:
    mkdir_cwd(s, i);
    return;
  case Op::Setsid:
    if (::setsid() < 0) report(i, errno);
    return;
  case Op::Tty:
    setup_tty(s, i);
    return;
  case Op::DropBounding:
    drop_bounding(s, i);
    return;
  case Op::Seccomp:
    if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, s.blob) < 0) report(i, errno);
    return;
  case Op::BindNotify:
    bind_notify(s, i);
    return;
  case Op::SetUser:
    set_user(s, i);
    return;
  case Op::SetCaps:
    set_caps(s, i);
    return;
  case Op::NoNewPrivs:
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) report(i, errno);
    return;
  case Op::Chdir:
    if (::chdir(s.a) < 0) report(i, errno);
    return;
  case Op::CloseFromCloexec:
    if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) report(i, errno);
    return;
  case Op::ForkIntoPidNs:
    fork_into_pid_ns(s, i);
    return;
  case Op::Exec:
    exec(s, i);
    return;
  }
  report(i, EINVAL);
}

}  // namespace

void run_child(const Step* steps, size_t count, int report_fd) {
  g_report_fd = report_fd;
  reset_signals();
  for (size_t i = 0; i < count; ++i) run_step(steps[i], i);
  report(count > 0 ? count - 1 : 0, EINVAL);  // the plan did not end in Exec
}

}  // namespace kayak::runtime::detail
