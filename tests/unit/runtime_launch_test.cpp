// Containers started as root from a busybox rootfs (vfs and overlay): the
// namespaces, mounts, masks, user and capability setup, errors and tty.
#include "runtime_support.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <cstddef>

#include <cerrno>

using namespace kayak;
using namespace kayak::test;

namespace {

struct BusyboxRoot {
  fs::TempDir dir;
  std::string rootfs = dir.path() + "/rootfs";
  BusyboxRoot() { make_busybox_tree(rootfs); }
};

std::string launch_error(const runtime::ContainerSpec& spec, int* code = nullptr) {
  UniqueFd out(::memfd_create("ctr-out", MFD_CLOEXEC));
  try {
    runtime::Launched l = runtime::launch(spec, {-1, out.get(), out.get()});
    wait_exit_code(l.pid);
  } catch (const Error& e) {
    if (code) *code = e.exit_code();
    return e.what();
  }
  return "no error";
}

std::string read_until_eof(int fd) {
  std::string text;
  char buf[512];
  for (;;) {
    struct pollfd p = {fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) break;
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the slave side is gone
    text.append(buf, static_cast<size_t>(n));
  }
  return text;
}

}  // namespace

TEST_CASE("the container init is pid 1 with its own hostname and /proc") {
  SKIP_UNLESS_ROOT();
  BusyboxRoot root;
  auto r = run_sh(busybox_spec(root.rootfs),
                  "echo $$; hostname; ls /proc | grep -c '^[0-9]'; test -e /proc/" + std::to_string(::getpid()) +
                      " && echo host-visible; exit 3");
  CHECK(r.exit_code == 3);
  auto lines = str::split(std::string(str::trim(r.out)), '\n');
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "1");
  CHECK(lines[1] == "ctr");
  CHECK(std::stoi(lines[2]) <= 4);  // sh, ls, grep: none of the host's processes
  CHECK(r.err == "");
}

TEST_CASE("Docker's masked and read-only paths, /dev and /sys") {
  SKIP_UNLESS_ROOT();
  BusyboxRoot root;
  auto r = run_sh(busybox_spec(root.rootfs),
                  "wc -c < /proc/keys; ls /sys/firmware | wc -l; grep -c ' /proc/timer_list ' /proc/self/mountinfo;"
                  "echo 1 > /proc/sys/kernel/ns_last_pid || echo sys-ro;"
                  "echo x > /proc/sysrq-trigger || echo sysrq-ro;"
                  "touch /sys/x 2>/dev/null || echo sysfs-ro;"
                  "ls /dev | tr '\\n' ' '; echo; readlink /dev/ptmx; echo hi > /dev/null && echo null-ok;"
                  "head -c 4 /dev/zero | wc -c; grep -c ' /dev/shm tmpfs' /proc/self/mounts");
  CHECK(r.exit_code == 0);
  auto lines = str::split(std::string(str::trim(r.out)), '\n');
  REQUIRE(lines.size() == 11);
  CHECK(lines[0] == "0");
  CHECK(lines[1] == "0");
  CHECK(lines[2] == "1");
  lines.erase(lines.begin());
  CHECK(lines[2] == "sys-ro");
  CHECK(lines[3] == "sysrq-ro");
  CHECK(lines[4] == "sysfs-ro");
  for (const char* dev : {"null", "zero", "full", "random", "urandom", "tty", "pts", "shm", "mqueue", "fd", "stdin",
                          "stdout", "stderr", "ptmx"}) {
    CHECK_MESSAGE(lines[5].find(std::string(dev) + " ") != std::string::npos, dev);
  }
  CHECK(lines[6] == "pts/ptmx");
  CHECK(lines[7] == "null-ok");
  CHECK(lines[8] == "4");
  CHECK(lines[9] == "1");
  CHECK(r.err.find("Read-only file system") != std::string::npos);
}

TEST_CASE("capabilities: root gets Docker's set, another user only the bounding set") {
  SKIP_UNLESS_ROOT();
  BusyboxRoot root;
  auto spec = busybox_spec(root.rootfs);
  auto r = run_sh(spec, "grep Cap /proc/self/status");
  CHECK(r.out == "CapInh:\t0000000000000000\nCapPrm:\t00000000a80425fb\nCapEff:\t00000000a80425fb\n"
                 "CapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\n");
  spec.process.user = "alice";
  r = run_sh(spec, "grep Cap /proc/self/status");
  CHECK(r.out == "CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n"
                 "CapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\n");
  spec.process.user = "";
  spec.process.no_new_privileges = true;
  r = run_sh(spec, "grep NoNewPrivs /proc/self/status");
  CHECK(r.out == "NoNewPrivs:\t1\n");
}

TEST_CASE("the user is resolved against the container's /etc/passwd and /etc/group") {
  SKIP_UNLESS_ROOT();
  BusyboxRoot root;
  auto spec = busybox_spec(root.rootfs);
  const std::string script = "echo $(id -u) $(id -g) $(id -G) $HOME; pwd";
  spec.process.user = "alice";
  CHECK(run_sh(spec, script).out == "1000 1000 1000 50 /home/alice\n/\n");
  spec.process.user = "alice:users";
  CHECK(run_sh(spec, script).out == "1000 100 100 /home/alice\n/\n");
  spec.process.user = "1000:7";
  spec.process.extra_gids = {33};
  CHECK(run_sh(spec, script).out == "1000 7 7 33 /home/alice\n/\n");
  spec.process.extra_gids.clear();
  spec.process.user = "4242";  // not in passwd: fine by number, gid 0
  CHECK(run_sh(spec, script).out == "4242 0 0 /\n/\n");
  spec.process.user = "";
  spec.process.cwd = "/work/dir";  // created, as Docker does
  CHECK(run_sh(spec, script).out == "0 0 0 10 /root\n/work/dir\n");

  spec.process.user = "nobody";
  spec.process.args = {"true"};
  int code = 0;
  CHECK(launch_error(spec, &code) == "unable to find user nobody: no matching entries in passwd file");
  CHECK(code == 125);
  spec.process.user = "alice:nogroup";
  CHECK(launch_error(spec) == "unable to find group nogroup: no matching entries in group file");
}

TEST_CASE("a command that cannot run: 127 not found, 126 not executable") {
  SKIP_UNLESS_ROOT();
  BusyboxRoot root;
  auto spec = busybox_spec(root.rootfs);
  int code = 0;
  spec.process.args = {"nonexistent"};
  CHECK(launch_error(spec, &code) == "exec nonexistent: executable file not found in $PATH");
  CHECK(code == 127);
  spec.process.args = {"/bin/nonexistent"};
  CHECK(launch_error(spec, &code) == "exec /bin/nonexistent: no such file or directory");
  CHECK(code == 127);
  spec.process.args = {"/etc/passwd"};
  CHECK(launch_error(spec, &code) == "exec /etc/passwd: permission denied");
  CHECK(code == 126);
  // Found through PATH with the container's env, not the caller's.
  ::symlink("busybox", (root.rootfs + "/bin/echo").c_str());
  spec.process.args = {"echo", "found"};
  UniqueFd out(::memfd_create("out", MFD_CLOEXEC));
  auto l = runtime::launch(spec, {-1, out.get(), -1});
  CHECK(wait_exit_code(l.pid) == 0);
  CHECK(fs::read_fd_from_start(out.get(), "out") == "found\n");
}

TEST_CASE("a failing mount is reported as a sentence") {
  SKIP_UNLESS_ROOT();
  BusyboxRoot root;
  auto spec = busybox_spec(root.rootfs);
  spec.process.args = {"true"};
  runtime::Mount bad;
  bad.type = "tmpfs";
  bad.destination = "/scratch";
  bad.data = "size=bogus";
  spec.mounts = {bad};
  int code = 0;
  CHECK(launch_error(spec, &code) == "mount tmpfs on /scratch: Invalid argument");
  CHECK(code == 125);
  runtime::Mount missing;
  missing.type = "bind";
  missing.source = root.dir.path() + "/nonexistent";
  missing.destination = "/data";
  spec.mounts = {missing};
  CHECK(launch_error(spec) == "mount " + missing.source + " on /data: No such file or directory");
}

TEST_CASE("mounts: read-only binds, file binds, tmpfs, and no escape through the image's symlinks") {
  SKIP_UNLESS_ROOT();
  BusyboxRoot root;
  fs::TempDir host;
  write_text(host.path() + "/data/file", "from the host\n");
  write_text(host.path() + "/hostname", "named\n");
  fs::mkdir_p(host.path() + "/outside");
  // Images often have /etc/resolv.conf -> /run/... dangling until run time.
  REQUIRE(::symlink("/run/systemd/resolve/stub-resolv.conf", (root.rootfs + "/etc/resolv.conf").c_str()) == 0);
  write_text(host.path() + "/resolv.conf", "nameserver 192.0.2.1\n");
  // The image points /etc/evil at an absolute host path and /etc/up at ..s.
  REQUIRE(::symlink(host.path().c_str(), (root.rootfs + "/etc/evil").c_str()) == 0);
  REQUIRE(::symlink(("../../../../../../../.." + host.path() + "/outside").c_str(), (root.rootfs + "/etc/up").c_str()) == 0);
  auto spec = busybox_spec(root.rootfs);
  runtime::Mount data{"bind", host.path() + "/data", "/mnt/data", true, true, "", 0, false};
  runtime::Mount name{"bind", host.path() + "/hostname", "/etc/hostname", true, false, "", 0, true};
  runtime::Mount evil{"bind", host.path() + "/data", "/etc/evil/outside/x", false, true, "", 0, false};
  runtime::Mount up{"bind", host.path() + "/data", "/etc/up/y", false, true, "", 0, false};
  runtime::Mount tmp{"tmpfs", "", "/scratch", false, true, "mode=1777,size=1m", MS_NOSUID | MS_NODEV, false};
  runtime::Mount resolv{"bind", host.path() + "/resolv.conf", "/etc/resolv.conf", true, false, "", 0, true};
  spec.mounts = {data, name, evil, up, tmp, resolv};
  auto r = run_sh(spec,
                  "cat /mnt/data/file /etc/hostname; echo x > /mnt/data/new || echo data-ro;"
                  "ls /etc/evil/outside/x /etc/up/y; touch /scratch/t && echo tmp-ok; cat /etc/resolv.conf");
  CHECK(r.exit_code == 0);
  CHECK(r.out == "from the host\nnamed\ndata-ro\n/etc/evil/outside/x:\nfile\n\n/etc/up/y:\nfile\ntmp-ok\n"
                 "nameserver 192.0.2.1\n");
  // The targets were made inside the rootfs, never on the host.
  CHECK(fs::list_dir(host.path() + "/outside").empty());
  CHECK(fs::is_dir(root.rootfs + host.path() + "/outside/x"));
  CHECK(fs::is_dir(root.rootfs + host.path() + "/outside/y"));
  CHECK(fs::exists(root.rootfs + "/run/systemd/resolve/stub-resolv.conf"));
}

TEST_CASE("--read-only makes the rootfs read-only but not /dev or /tmp mounts") {
  SKIP_UNLESS_ROOT();
  BusyboxRoot root;
  auto spec = busybox_spec(root.rootfs);
  spec.rootfs.read_only = true;
  auto r = run_sh(spec, "touch /x 2>/dev/null || echo root-ro; touch /dev/shm/x && echo shm-ok");
  CHECK(r.out == "root-ro\nshm-ok\n");
  CHECK(!fs::exists(root.rootfs + "/x"));
}

TEST_CASE("rlimits: applied, and never above the caller's hard limit") {
  SKIP_UNLESS_ROOT();
  BusyboxRoot root;
  auto spec = busybox_spec(root.rootfs);
  struct rlimit current;
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &current) == 0);
  spec.process.rlimits = {{RLIMIT_NOFILE, 100, 200}};
  CHECK(run_sh(spec, "ulimit -n; ulimit -Hn").out == "100\n200\n");
  // A nofile limit below the fds the plan holds: set after the steps that
  // open files (the user's /etc/passwd), so they do not fail with EMFILE.
  spec.process.rlimits = {{RLIMIT_NOFILE, 4, 200}};
  spec.process.user = "root";
  CHECK(run_sh(spec, "ulimit -n").out == "4\n");
  if (current.rlim_max != RLIM_INFINITY) {
    spec.process.rlimits = {{RLIMIT_NOFILE, 100, current.rlim_max + 1}};
    spec.process.args = {"true"};
    CHECK(launch_error(spec).find("the hard limit is above this process's hard limit") != std::string::npos);
  }
}

TEST_CASE("tty: the pty master comes back and the process has a controlling terminal") {
  SKIP_UNLESS_ROOT();
  BusyboxRoot root;
  auto spec = busybox_spec(root.rootfs);
  spec.process.tty = true;
  spec.process.args = {"/bin/sh", "-c", "tty; test -t 0 && test -t 1 && echo both-tty; read line; echo got $line"};
  runtime::Launched l = runtime::launch(spec, {});
  REQUIRE(l.pty_master);
  REQUIRE(::write(l.pty_master.get(), "hello\n", 6) == 6);
  std::string text = read_until_eof(l.pty_master.get());
  CHECK(wait_exit_code(l.pid) == 0);
  CHECK(text.find("/dev/pts/0\r\n") != std::string::npos);
  CHECK(text.find("both-tty\r\n") != std::string::npos);
  CHECK(text.find("got hello\r\n") != std::string::npos);
}

TEST_CASE("exec_in joins the running container") {
  SKIP_UNLESS_ROOT();
  BusyboxRoot root;
  auto spec = busybox_spec(root.rootfs);
  spec.process.args = {"/bin/sh", "-c", "echo marker > /tmp-marker; exec sleep 30"};
  UniqueFd out(::memfd_create("out", MFD_CLOEXEC));
  runtime::Launched init = runtime::launch(spec, {-1, out.get(), -1});
  KillOnExit kill_init(init.pid);
  CHECK(init.pidfd);
  CHECK(init.start_time > 0);
  // Wait for the marker (the init is still starting its shell).
  for (int i = 0; i < 200 && !fs::exists(root.rootfs + "/tmp-marker"); ++i) ::usleep(10000);

  runtime::ProcessSpec process = spec.process;
  process.args = {"/bin/sh", "-c", "echo $$; cat /tmp-marker; hostname; cat /proc/1/cmdline | tr '\\0' ' '; echo; id -u"};
  process.user = "alice";
  UniqueFd exec_out(::memfd_create("exec-out", MFD_CLOEXEC));
  runtime::Launched exec = runtime::exec_in(init.pid, spec, process, {-1, exec_out.get(), -1});
  CHECK(wait_exit_code(exec.pid) == 0);  // our own child (CLONE_PARENT)
  auto lines = str::split(std::string(str::trim(fs::read_fd_from_start(exec_out.get(), "out"))), '\n');
  REQUIRE_MESSAGE(lines.size() == 5, fs::read_fd_from_start(exec_out.get(), "out"));
  CHECK(std::stoi(lines[0]) > 1);
  CHECK(std::stoi(lines[0]) < 100);  // a pid in the container's namespace
  CHECK(lines[1] == "marker");
  CHECK(lines[2] == "ctr");
  CHECK(lines[3] == "sleep 30 ");
  CHECK(lines[4] == "1000");

  process.args = {"nonexistent"};
  try {
    runtime::exec_in(init.pid, spec, process, {});
    CHECK(false);
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "exec nonexistent: executable file not found in $PATH");
    CHECK(e.exit_code() == 127);
  }
  process.args = {"/bin/sh", "-c", "tty"};
  process.tty = true;
  runtime::Launched exec_tty = runtime::exec_in(init.pid, spec, process, {});
  CHECK(read_until_eof(exec_tty.pty_master.get()).find("/dev/pts/") != std::string::npos);
  CHECK(wait_exit_code(exec_tty.pid) == 0);

  ::kill(init.pid, SIGKILL);
  kill_init.release();
  CHECK(wait_exit_code(init.pid) == 128 + SIGKILL);
  CHECK_THROWS_WITH(runtime::exec_in(init.pid, spec, process, {}),
                    doctest::Contains("is not running"));
}

TEST_CASE("overlay rootfs: layers top first, writes in the upper dir, many layers still mount") {
  SKIP_UNLESS_ROOT();
  fs::TempDir dir;
  std::string base = dir.path() + "/layers/base-layer-with-a-rather-long-name-to-fill-the-options";
  make_busybox_tree(base);
  std::vector<std::string> lowers;
  // 80 layers of ~110 characters each: far more than a page as plain paths.
  for (int i = 0; i < 80; ++i) {
    std::string layer = fmt::format("{}/layers/{:064x}/diff", dir.path(), i + 1);
    write_text(layer + "/layer-" + std::to_string(i), "x");
    lowers.push_back(layer);
  }
  write_text(lowers[0] + "/who", "top\n");
  write_text(lowers[1] + "/who", "below\n");
  lowers.push_back(base);
  auto spec = busybox_spec("");
  spec.rootfs = {};
  spec.rootfs.driver = "overlay";
  spec.rootfs.lower_dirs = lowers;
  spec.rootfs.upper_dir = dir.path() + "/ctr/upper";
  spec.rootfs.work_dir = dir.path() + "/ctr/work";
  fs::mkdir_p(spec.rootfs.upper_dir);
  fs::mkdir_p(spec.rootfs.work_dir);
  auto r = run_sh(spec, "cat /who; ls / | grep -c '^layer-'; echo new > /written");
  CHECK(r.exit_code == 0);
  CHECK(r.out == "top\n80\n");
  CHECK(fs::read_file(spec.rootfs.upper_dir + "/written") == "new\n");
  CHECK(!fs::exists(base + "/written"));
  // Mounted only in the container's namespace: nothing left on the host.
  CHECK(fs::read_file("/proc/self/mountinfo").find(dir.path()) == std::string::npos);
}

TEST_CASE("fuse-overlayfs rootfs") {
  SKIP_UNLESS_ROOT();
  if (::access("/usr/bin/fuse-overlayfs", X_OK) != 0 || ::access("/dev/fuse", R_OK | W_OK) != 0) {
    MESSAGE("skipped: needs fuse-overlayfs and /dev/fuse");
    return;
  }
  fs::TempDir dir;
  std::string base = dir.path() + "/base";
  make_busybox_tree(base);
  write_text(dir.path() + "/top/who", "fuse\n");
  auto spec = busybox_spec("");
  spec.rootfs = {};
  spec.rootfs.driver = "fuse-overlayfs";
  spec.rootfs.lower_dirs = {dir.path() + "/top", base};
  spec.rootfs.upper_dir = dir.path() + "/upper";
  spec.rootfs.work_dir = dir.path() + "/work";
  fs::mkdir_p(spec.rootfs.upper_dir);
  fs::mkdir_p(spec.rootfs.work_dir);
  auto r = run_sh(spec, "cat /who; grep -c fuse-overlayfs /proc/self/mounts; echo w > /w");
  CHECK(r.exit_code == 0);
  CHECK(r.out == "fuse\n1\n");
  CHECK(fs::read_file(spec.rootfs.upper_dir + "/w") == "w\n");
}

TEST_CASE("network: host keeps the host's interfaces, new has only loopback") {
  SKIP_UNLESS_ROOT();
  BusyboxRoot root;
  auto spec = busybox_spec(root.rootfs);
  auto own = run_sh(spec, "ls /sys/class/net | tr '\\n' ' '");
  CHECK(own.out == "lo ");
  spec.network = runtime::NetworkNamespace::Host;
  auto host = run_sh(spec, "ls /sys/class/net | wc -l");
  CHECK(std::stoi(host.out) == static_cast<int>(fs::list_dir("/sys/class/net").size()));
}

namespace {

// A filter that fails mkdir with EPERM and allows everything else (as the
// seccomp compiler would produce for a one-rule profile).
std::string deny_mkdir_filter() {
  std::vector<sock_filter> f = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mkdir, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  return std::string(reinterpret_cast<const char*>(f.data()), f.size() * sizeof(sock_filter));
}

}  // namespace

TEST_CASE("the seccomp filter is installed, with and without no_new_privs") {
  SKIP_UNLESS_ROOT();
  BusyboxRoot root;
  auto spec = busybox_spec(root.rootfs);
  spec.process.seccomp_bpf = deny_mkdir_filter();
  for (bool nnp : {false, true}) {
    spec.process.no_new_privileges = nnp;
    for (const char* user : {"", "alice"}) {
      spec.process.user = user;
      auto r = run_sh(spec, "grep Seccomp: /proc/self/status; mkdir /tmp/d 2>&1 || true");
      CAPTURE(nnp);
      CAPTURE(user);
      CHECK(r.out == "Seccomp:\t2\nmkdir: can't create directory '/tmp/d': Operation not permitted\n");
    }
  }
  spec.process.seccomp_bpf = "123";
  spec.process.args = {"true"};
  CHECK_THROWS_WITH(runtime::launch(spec, {}), doctest::Contains("bad size"));
}

TEST_CASE("network: joining another container's network namespace by path") {
  SKIP_UNLESS_ROOT();
  BusyboxRoot root;
  auto spec = busybox_spec(root.rootfs);
  spec.process.args = {"/bin/busybox", "sleep", "30"};
  runtime::Launched first = runtime::launch(spec, {});
  KillOnExit kill_first(first.pid);
  char link[64] = {};
  std::string ns_path = fmt::format("/proc/{}/ns/net", first.pid);
  REQUIRE(::readlink(ns_path.c_str(), link, sizeof link - 1) > 0);
  spec.network = runtime::NetworkNamespace::Path;
  spec.net_path = ns_path;
  auto r = run_sh(spec, "readlink /proc/self/ns/net");
  CHECK(r.out == std::string(link) + "\n");
  spec.net_path = "/nonexistent/ns";
  CHECK_THROWS_WITH(runtime::launch(spec, {}), doctest::Contains("open the network namespace /nonexistent/ns"));
}

TEST_CASE("privileged: no masks, /sys writable mount, host devices") {
  SKIP_UNLESS_ROOT();
  BusyboxRoot root;
  auto spec = busybox_spec(root.rootfs);
  spec.privileged = true;
  std::string host_device;
  for (const auto& name : fs::list_dir("/dev")) {
    struct stat st;
    if (name != "null" && ::lstat(("/dev/" + name).c_str(), &st) == 0 && S_ISCHR(st.st_mode)) host_device = name;
  }
  REQUIRE(!host_device.empty());
  auto r = run_sh(spec, "grep -c ' /proc/keys ' /proc/self/mountinfo; grep ' /sys ' /proc/self/mountinfo | grep -c ' rw,';"
                        "test -c /dev/" + host_device + " && echo host-dev; readlink /dev/ptmx || echo bound");
  CHECK(r.out == "0\n1\nhost-dev\nbound\n");
}
