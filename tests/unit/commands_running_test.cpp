// commit's freeze and cp's way into a running container, against real
// containers started by the runtime: as root, and rootless (kayak-sub,
// kayak-nosub) from a forked child that becomes the user.
#include "runtime_support.hpp"

#include "../../src/commands/container_freeze.hpp"
#include "../../src/commands/container_join.hpp"

#include "kayak/archive/extract.hpp"
#include "kayak/archive/rootfs_tar.hpp"
#include "kayak/archive/tar_writer.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/idmap.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>

#include <chrono>
#include <functional>
#include <thread>

using namespace kayak;
using namespace kayak::test;

namespace {

class StringWriter : public Writer {
public:
  void write(const void* buf, size_t n) override { data.append(static_cast<const char*>(buf), n); }
  std::string data;
};

class StringReader : public Reader {
public:
  explicit StringReader(std::string data) : data_(std::move(data)) {}
  size_t read(void* buf, size_t n) override {
    size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }

private:
  std::string data_;
  size_t pos_ = 0;
};

char process_state(pid_t pid) {
  std::string status = fs::read_file(fmt::format("/proc/{}/status", pid));
  auto at = status.find("State:\t");
  return at == std::string::npos ? '?' : status[at + 7];
}

off_t size_of(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

void pause_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Runs the checks against one container and returns a line of findings.
std::string exercise(const Identity& id, const std::string& rootfs, const std::string& outside) {
  auto spec = busybox_spec(rootfs);
  spec.identity = id;
  spec.process.args = {"/bin/sh", "-c",
                       "(while :; do sleep 0.05; done) & while :; do echo tick >> /ticks; sleep 0.05; done"};
  runtime::Launched init = runtime::launch(spec, {-1, -1, -1});
  KillOnExit kill_init(init.pid);
  std::string ticks = rootfs + "/ticks";
  for (int i = 0; i < 100 && size_of(ticks) <= 0; ++i) pause_ms(20);
  std::string found;

  {
    commands::FrozenContainer frozen(id, init.pid);
    off_t before = size_of(ticks);
    pause_ms(300);
    found += fmt::format("init={} still={} ", process_state(init.pid), size_of(ticks) == before);
  }
  off_t after_thaw = size_of(ticks);
  pause_ms(300);
  found += fmt::format("resumed={} ", size_of(ticks) > after_thaw);

  // cp out and in through /proc/<init>/root, from the container's user namespace.
  UniqueFd result(::memfd_create("found", 0));
  commands::run_in_container(id, init.pid, false, [&] {
    UniqueFd root(::open(fmt::format("/proc/{}/root", init.pid).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) fail_errno("open root");
    StringWriter out;
    archive::write_path_tar(root.get(), "/etc/passwd", "passwd", false, out);
    std::string line = fmt::format("read={} ", out.data.find("alice:x:1000") != std::string::npos);

    StringWriter in;
    archive::TarWriter tar(in);
    tar.add_file("copied", "in", {.mode = 0644, .uid = 0, .gid = 0});
    tar.finish();
    UniqueFd tmp(archive::open_inside(root.get(), "/tmp", O_PATH | O_DIRECTORY));
    if (!tmp) fail_errno("open /tmp");
    StringReader reader(in.data);
    archive::extract_tar(reader, "/proc/self/fd/" + std::to_string(tmp.get()), {.chown = true, .uid_limit = 1, .gid_limit = 1});
    // A symlink in the container that names a host directory stays in the container.
    UniqueFd escape(archive::open_inside(root.get(), "/escape", O_PATH | O_DIRECTORY));
    line += fmt::format("escape={}", escape ? "followed" : std::strerror(errno));
    write_all(result.get(), line.data(), line.size(), "result");
  });
  found += fs::read_fd_from_start(result.get(), "result");
  struct stat st;
  found += fmt::format(" written={}", ::stat((rootfs + "/tmp/copied").c_str(), &st) == 0 ? (int)st.st_uid : -1);
  found += fmt::format(" outside={}", fs::list_dir(outside).size());
  return found;
}

void prepare(const std::string& dir) {
  make_busybox_tree(dir + "/rootfs");
  fs::mkdir_p(dir + "/rootfs/tmp");
  fs::mkdir_p(dir + "/outside");
  REQUIRE(::symlink((dir + "/outside").c_str(), (dir + "/rootfs/escape").c_str()) == 0);
}

}  // namespace

TEST_CASE("freeze and cp's access to a running container, as root") {
  SKIP_UNLESS_ROOT();
  fs::TempDir dir;
  prepare(dir.path());
  Identity root;
  std::string found = exercise(root, dir.path() + "/rootfs", dir.path() + "/outside");
  CHECK(found == "init=T still=true resumed=true read=true escape=No such file or directory written=0 outside=0");
}

TEST_CASE("freeze and cp's access to a running container, rootless") {
  SKIP_UNLESS_ROOT();  // becomes the test users
  for (const char* name : {"kayak-sub", "kayak-nosub"}) {
    struct passwd* pw = ::getpwnam(name);
    if (!pw) {
      MESSAGE("skipped: no user ", name);
      continue;
    }
    uid_t uid = pw->pw_uid;
    gid_t gid = pw->pw_gid;
    std::string subuid, subgid;
    fs::read_file_if_exists("/etc/subuid", subuid);
    fs::read_file_if_exists("/etc/subgid", subgid);
    Identity id = identity_from(uid, gid, pw->pw_name, pw->pw_dir, subuid, subgid);
    fs::TempDir dir;
    REQUIRE(::chmod(dir.path().c_str(), 0755) == 0);
    prepare(dir.path());
    REQUIRE(std::system(fmt::format("chown -R -h {}:{} '{}'", uid, gid, dir.path()).c_str()) == 0);

    UniqueFd out(::memfd_create("out", 0));
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      std::string found;
      try {
        if (::setgroups(0, nullptr) < 0 || ::setresgid(gid, gid, gid) < 0 || ::setresuid(uid, uid, uid) < 0) _exit(98);
        ::prctl(PR_SET_DUMPABLE, 1);
        found = exercise(id, dir.path() + "/rootfs", dir.path() + "/outside");
      } catch (const std::exception& e) {
        found = std::string("error: ") + e.what();
      }
      (void)!::write(out.get(), found.data(), found.size());
      _exit(0);
    }
    wait_exit_code(pid);
    std::string found = fs::read_fd_from_start(out.get(), "out");
    CHECK_MESSAGE(found == fmt::format("init=T still=true resumed=true read=true escape=No such file or directory "
                                       "written={} outside=0", uid),
                  name);
  }
}
