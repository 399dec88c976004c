// Rootless launches, driven from the (root) test process by a forked child
// that becomes kayak-sub (subordinate ranges) or kayak-nosub (none): the
// same path a user's `kayak run` takes. Skipped where those users are absent.
#include "runtime_support.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/idmap.hpp"
#include "kayak/util/strings.hpp"

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>

#include <functional>

using namespace kayak;
using namespace kayak::test;

namespace {

struct TestUser {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
  std::string home;
};

bool find_user(const char* name, TestUser& out) {
  struct passwd* pw = ::getpwnam(name);
  if (pw == nullptr) return false;
  out = {pw->pw_uid, pw->pw_gid, pw->pw_name, pw->pw_dir};
  return true;
}

Identity identity_of(const TestUser& user) {
  std::string subuid, subgid;
  fs::read_file_if_exists("/etc/subuid", subuid);
  fs::read_file_if_exists("/etc/subgid", subgid);
  return identity_from(user.uid, user.gid, user.name, user.home, subuid, subgid);
}

void chown_tree(const std::string& path, const TestUser& user) {
  std::string command = fmt::format("chown -R {}:{} '{}'", user.uid, user.gid, path);
  REQUIRE(std::system(command.c_str()) == 0);
}

struct Outcome {
  int code = -1;          // the container's exit code, or 125 for an Error
  std::string output;     // the container's stdout+stderr, or the error
};

// Becomes user in a forked child, runs fn there (it launches and waits),
// and brings back its outcome.
Outcome as_user(const TestUser& user, const std::function<int(int out_fd)>& fn) {
  UniqueFd out(::memfd_create("rootless-out", 0));
  REQUIRE(out);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int code = 99;
    try {
      if (::setgroups(0, nullptr) < 0 || ::setresgid(user.gid, user.gid, user.gid) < 0 ||
          ::setresuid(user.uid, user.uid, user.uid) < 0) {
        ::_exit(98);
      }
      // A credential change makes us non-dumpable, which would leave our
      // children's /proc/<pid>/uid_map owned by root: we could not map them.
      ::prctl(PR_SET_DUMPABLE, 1);
      code = fn(out.get());
    } catch (const Error& e) {
      std::string what = e.what();
      (void)!::write(out.get(), what.data(), what.size());
      code = 125;
    } catch (...) {
      code = 97;
    }
    ::_exit(code);
  }
  Outcome o;
  o.code = wait_exit_code(pid);
  o.output = fs::read_fd_from_start(out.get(), "output");
  return o;
}

int run_in(runtime::ContainerSpec spec, const std::string& script, int out_fd) {
  spec.process.args = {"/bin/sh", "-c", script};
  runtime::Launched l = runtime::launch(spec, {-1, out_fd, out_fd});
  return wait_exit_code(l.pid);
}

const char* kScript =
    "echo $$ $(id -u) $(hostname); cat /proc/self/uid_map | tr -s ' ' | tr '\\n' ';'; echo;"
    "grep CapEff /proc/self/status; wc -c < /proc/keys; (echo 1 > /proc/sys/kernel/ns_last_pid) 2>/dev/null || echo sys-ro;"
    "ls /dev/pts/ptmx; touch /new && echo written";

}  // namespace

TEST_CASE("rootless with subordinate ranges: vfs and overlay") {
  SKIP_UNLESS_ROOT();
  TestUser user;
  if (!find_user("kayak-sub", user) || identity_of(user).mode != IdentityMode::SubordinateRange) {
    MESSAGE("skipped: no user kayak-sub with a subordinate range");
    return;
  }
  fs::TempDir dir;
  REQUIRE(::chmod(dir.path().c_str(), 0755) == 0);
  make_busybox_tree(dir.path() + "/rootfs");
  chown_tree(dir.path(), user);
  Identity id = identity_of(user);

  auto spec = busybox_spec(dir.path() + "/rootfs");
  spec.identity = id;
  Outcome vfs = as_user(user, [&](int out) { return run_in(spec, kScript, out); });
  CHECK(vfs.code == 0);
  CHECK(vfs.output == fmt::format("1 0 ctr\n 0 {} 1; 1 100000 65536;\nCapEff:\t00000000a80425fb\n0\nsys-ro\n"
                                  "/dev/pts/ptmx\nwritten\n",
                                  user.uid));
  // Files the container root writes belong to the user on the host.
  struct stat st;
  REQUIRE(::stat((dir.path() + "/rootfs/new").c_str(), &st) == 0);
  CHECK(st.st_uid == user.uid);

  // A non-root user in the container is a subordinate id; the user resolves.
  spec.process.user = "alice";
  Outcome alice = as_user(user, [&](int out) { return run_in(spec, "id -u; id -G", out); });
  CHECK(alice.output == "1000\n1000 50\n");
  spec.process.user = "";

  // Overlay in the user namespace (userxattr) over a read-only lower layer.
  auto overlay = busybox_spec("");
  overlay.identity = id;
  overlay.rootfs.driver = "overlay";
  // Many layers with long names: the options only fit through fd names.
  for (int i = 0; i < 60; ++i) {
    std::string layer = fmt::format("{}/layers/{:064x}/diff", dir.path(), i + 1);
    write_text(layer + "/layer-" + std::to_string(i), "x");
    overlay.rootfs.lower_dirs.push_back(layer);
  }
  chown_tree(dir.path() + "/layers", user);
  overlay.rootfs.lower_dirs.push_back(dir.path() + "/rootfs");
  overlay.rootfs.upper_dir = dir.path() + "/ctr/upper";
  overlay.rootfs.work_dir = dir.path() + "/ctr/work";
  fs::mkdir_p(overlay.rootfs.upper_dir);
  fs::mkdir_p(overlay.rootfs.work_dir);
  chown_tree(dir.path() + "/ctr", user);
  Outcome ov = as_user(user, [&](int out) { return run_in(overlay, "echo up > /up; rm /new; ls / | grep -c '^layer-'; ls /new 2>&1", out); });
  CHECK(ov.code == 1);
  CHECK(ov.output.find("60\n") == 0);
  CHECK(ov.output.find("No such file") != std::string::npos);
  CHECK(fs::read_file(overlay.rootfs.upper_dir + "/up") == "up\n");
  CHECK(fs::exists(dir.path() + "/rootfs/new"));  // the lower layer is untouched

  // exec_in joins the user namespace first, then the others.
  Outcome ex = as_user(user, [&](int out) {
    auto s = spec;
    s.process.args = {"/bin/busybox", "sleep", "30"};
    runtime::Launched init = runtime::launch(s, {-1, -1, -1});
    KillOnExit kill_init(init.pid);
    runtime::ProcessSpec p = s.process;
    p.args = {"/bin/sh", "-c", "echo $(id -u) $(hostname) $(cat /proc/1/cmdline | tr '\\0' ' ')"};
    runtime::Launched e = runtime::exec_in(init.pid, s, p, {-1, out, out});
    return wait_exit_code(e.pid);
  });
  CHECK(ex.code == 0);
  CHECK(ex.output == "0 ctr /bin/busybox sleep 30\n");
}

TEST_CASE("rootless without subordinate ranges: only root is mapped") {
  SKIP_UNLESS_ROOT();
  TestUser user;
  if (!find_user("kayak-nosub", user) || identity_of(user).mode != IdentityMode::SingleId) {
    MESSAGE("skipped: no user kayak-nosub without a subordinate range");
    return;
  }
  fs::TempDir dir;
  REQUIRE(::chmod(dir.path().c_str(), 0755) == 0);
  make_busybox_tree(dir.path() + "/rootfs");
  chown_tree(dir.path(), user);
  auto spec = busybox_spec(dir.path() + "/rootfs");
  spec.identity = identity_of(user);
  Outcome o = as_user(user, [&](int out) { return run_in(spec, kScript, out); });
  CHECK(o.code == 0);
  CHECK(o.output == fmt::format("1 0 ctr\n 0 {} 1;\nCapEff:\t00000000a80425fb\n0\nsys-ro\n/dev/pts/ptmx\nwritten\n",
                                user.uid));
  // A terminal from the container's devpts (mounted without gid=5 here).
  o = as_user(user, [&](int out) {
    auto s = spec;
    s.process.tty = true;
    s.process.args = {"/bin/sh", "-c", "tty; test -t 1 && echo is-a-tty"};
    runtime::Launched l = runtime::launch(s, {});
    std::string text;
    char buf[256];
    ssize_t n;
    while ((n = ::read(l.pty_master.get(), buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    (void)!::write(out, text.data(), text.size());
    return wait_exit_code(l.pid);
  });
  CHECK(o.code == 0);
  CHECK(o.output == "/dev/pts/0\r\nis-a-tty\r\n");
  // exec_in joins the single-id user namespace, then the others.
  o = as_user(user, [&](int out) {
    auto s = spec;
    s.process.args = {"/bin/busybox", "sleep", "30"};
    runtime::Launched init = runtime::launch(s, {-1, -1, -1});
    KillOnExit kill_init(init.pid);
    runtime::ProcessSpec p = s.process;
    p.args = {"/bin/sh", "-c", "echo $(id -u) $(hostname) $(cat /proc/1/cmdline | tr '\\0' ' ')"};
    runtime::Launched e = runtime::exec_in(init.pid, s, p, {-1, out, out});
    return wait_exit_code(e.pid);
  });
  CHECK(o.code == 0);
  CHECK(o.output == "0 ctr /bin/busybox sleep 30\n");
  // With the host's network there is no sysfs of our own: the host's, read-only.
  spec.network = runtime::NetworkNamespace::Host;
  o = as_user(user, [&](int out) { return run_in(spec, "ls /sys/class/net | wc -l; touch /sys/x || true", out); });
  CHECK(o.code == 0);
  CHECK(o.output.find("Read-only file system") != std::string::npos);
  // Another user cannot exist in a single-id namespace: a clear error.
  spec.process.user = "alice";
  o = as_user(user, [&](int out) { return run_in(spec, "true", out); });
  CHECK(o.code == 125);
  CHECK(o.output == "setresgid 1000: Invalid argument (the ID is not mapped in the container's user namespace)");
}
