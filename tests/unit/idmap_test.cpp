#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/idmap.hpp"
#include "kayak/util/userns.hpp"

#include <doctest/doctest.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <string>

using namespace kayak;

namespace {

IdMapEntry e(uint32_t c, uint32_t h, uint32_t s) { return {c, h, s}; }

// Runs fn with stdout sent to a memfd and returns what reached it.
template <typename Fn>
std::string capture_stdout(Fn fn) {
  std::fflush(stdout);
  UniqueFd out(::memfd_create("test-stdout", 0));
  REQUIRE(out);
  UniqueFd saved(::dup(STDOUT_FILENO));
  ::dup2(out.get(), STDOUT_FILENO);
  try {
    fn();
  } catch (...) {
    std::fflush(stdout);
    ::dup2(saved.get(), STDOUT_FILENO);
    throw;
  }
  std::fflush(stdout);
  ::dup2(saved.get(), STDOUT_FILENO);
  char buf[256];
  ssize_t n = ::pread(out.get(), buf, sizeof buf, 0);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

Identity root_identity() { return identity_from(0, 0, "root", "/root", "", ""); }

// The caller's own ids in a user namespace of their own: works for any
// user on a kernel that allows unprivileged user namespaces.
Identity single_identity() {
  Identity id;
  id.mode = IdentityMode::SingleId;
  id.uid = ::getuid();
  id.gid = ::getgid();
  id.mapping.uids = {e(0, id.uid, 1)};
  id.mapping.gids = {e(0, id.gid, 1)};
  return id;
}

}  // namespace

TEST_CASE("parse_subid_file: matches the user by name or numeric uid, keeps file order") {
  const char* text =
      "# comment line\n"
      "alice:100000:65536\n"
      "bob:165536:65536\n"
      "\n"
      "1000:300000:10\n"
      "  alice : 400000 : 5  \n"
      "alicex:500000:1\n";
  auto alice = parse_subid_file(text, "alice", 1000);
  REQUIRE(alice.size() == 3);
  CHECK(alice[0].host_id == 100000);
  CHECK(alice[0].size == 65536);
  CHECK(alice[1].host_id == 300000);
  CHECK(alice[1].size == 10);
  CHECK(alice[2].host_id == 400000);
  CHECK(alice[2].size == 5);

  auto bob = parse_subid_file(text, "bob", 1001);
  REQUIRE(bob.size() == 1);
  CHECK(bob[0].host_id == 165536);

  CHECK(parse_subid_file(text, "carol", 1002).empty());
  // Numeric entries are matched by uid even when the name differs.
  auto by_uid = parse_subid_file(text, "someone", 1000);
  REQUIRE(by_uid.size() == 1);
  CHECK(by_uid[0].host_id == 300000);
}

TEST_CASE("parse_subid_file: malformed lines are skipped") {
  const char* text =
      "alice:100000\n"           // too few fields
      "alice:1:2:3\n"            // too many
      "alice:abc:10\n"           // not a number
      "alice:10:-5\n"            // negative
      "alice:10:0\n"             // empty range
      "alice:4294967295:1\n"     // beyond 32-bit ids
      "alice:4294967290:100\n"   // runs past the last id
      ":100:10\n"                // no owner
      "alice:200000:65536\n";
  auto ranges = parse_subid_file(text, "alice", 1000);
  REQUIRE(ranges.size() == 1);
  CHECK(ranges[0].host_id == 200000);
  CHECK(ranges[0].size == 65536);
  // A user without a name never matches an entry without an owner.
  CHECK(parse_subid_file(":100:10\n", "", 1000).empty());
}

TEST_CASE("identity_from: root needs no namespace") {
  Identity id = identity_from(0, 0, "root", "/root", "root:100000:65536\n", "root:100000:65536\n");
  CHECK(id.mode == IdentityMode::Root);
  CHECK(id.mapping.uids.empty());
  CHECK(id.mapping.gids.empty());
  CHECK(id.mapping.uid_count() == 0);
  CHECK(id.describe().find("no user namespace") != std::string::npos);
}

TEST_CASE("identity_from: subordinate ranges follow the caller contiguously") {
  Identity id = identity_from(1000, 1001, "alice", "/home/alice", "alice:100000:65536\n1000:300000:1000\n",
                              "alice:200000:70000\n");
  REQUIRE(id.mode == IdentityMode::SubordinateRange);
  CHECK(id.warnings.empty());
  CHECK(id.mapping.uids == std::vector<IdMapEntry>{e(0, 1000, 1), e(1, 100000, 65536), e(65537, 300000, 1000)});
  CHECK(id.mapping.gids == std::vector<IdMapEntry>{e(0, 1001, 1), e(1, 200000, 70000)});
  CHECK(id.mapping.uid_count() == 1 + 65536 + 1000);
  CHECK(id.mapping.gid_count() == 70001);
  std::string text = id.describe();
  CHECK(text.find("alice") != std::string::npos);
  CHECK(text.find("1->100000 (65536)") != std::string::npos);
}

TEST_CASE("identity_from: a huge range stops before the invalid id 2^32-1") {
  Identity id = identity_from(1000, 1000, "alice", "", "alice:1:4294967290\nalice:100:10\n",
                              "alice:1:10\n");
  REQUIRE(id.mode == IdentityMode::SubordinateRange);
  CHECK(id.mapping.uid_count() == 4294967295ULL);  // ids 0 .. 2^32-2
  CHECK(id.mapping.uids.back().container_id + uint64_t{id.mapping.uids.back().size} == 4294967295ULL);
  CHECK(id.mapping.uids.back().size == 4);  // clamped
}

TEST_CASE("identity_from: no ranges map only the caller, quietly") {
  Identity id = identity_from(1002, 1003, "ci", "/home/ci", "alice:100000:65536\n", "");
  CHECK(id.mode == IdentityMode::SingleId);
  CHECK(id.warnings.empty());
  CHECK(id.mapping.uids == std::vector<IdMapEntry>{e(0, 1002, 1)});
  CHECK(id.mapping.gids == std::vector<IdMapEntry>{e(0, 1003, 1)});
  CHECK(id.mapping.uid_count() == 1);
  CHECK(id.describe().find("without subordinate IDs") != std::string::npos);
}

TEST_CASE("identity_from: a range in only one file is a single mapping with a warning naming the other") {
  Identity only_uid = identity_from(1000, 1000, "alice", "", "alice:100000:65536\n", "bob:1:2\n");
  CHECK(only_uid.mode == IdentityMode::SingleId);
  REQUIRE(only_uid.warnings.size() == 1);
  CHECK(only_uid.warnings[0].find("none in /etc/subgid") != std::string::npos);
  CHECK(only_uid.warnings[0].find("alice:100000:65536") != std::string::npos);
  CHECK(only_uid.mapping.uid_count() == 1);

  Identity only_gid = identity_from(1000, 1000, "alice", "", "", "alice:100000:65536\n");
  CHECK(only_gid.mode == IdentityMode::SingleId);
  REQUIRE(only_gid.warnings.size() == 1);
  CHECK(only_gid.warnings[0].find("none in /etc/subuid") != std::string::npos);
}

TEST_CASE("IdMapping counts: gaps end the contiguous range") {
  IdMapping m;
  m.uids = {e(10, 5000, 5), e(0, 1000, 1), e(1, 2000, 4)};
  CHECK(m.uid_count() == 5);  // 0..4; 10..14 is beyond a gap
  m.uids.push_back(e(5, 3000, 5));
  CHECK(m.uid_count() == 15);
  CHECK(m.gid_count() == 0);
}

TEST_CASE("current_identity matches the process") {
  Identity id = current_identity();
  CHECK(id.uid == ::getuid());
  CHECK(id.gid == ::getgid());
  CHECK((id.mode == IdentityMode::Root) == (::getuid() == 0));
}

TEST_CASE("run_in_userns: the child's stdout reaches ours, once, and its memory is its own") {
  for (const Identity& id : {root_identity(), single_identity()}) {
    if (id.mode == IdentityMode::Root && ::getuid() != 0) continue;
    int touched = 0;
    std::string out = capture_stdout([&] {
      std::printf("before-");  // buffered in the parent: must not be written by the child too
      run_in_userns(id, [&] {
        touched = 1;
        std::printf("in-child uid=%d", static_cast<int>(::getuid()));  // no newline: needs the child's flush
      });
    });
    CHECK(out == "before-in-child uid=0");
    CHECK(touched == 0);
  }
}

TEST_CASE("run_in_userns: errors come back with their message and exit code") {
  Identity id = ::getuid() == 0 ? root_identity() : single_identity();
  try {
    run_in_userns(id, [] { throw Error("layer sha256:abc: bad tar", 7); });
    FAIL("no error");
  } catch (const Error& err) {
    CHECK(std::string(err.what()) == "layer sha256:abc: bad tar");
    CHECK(err.exit_code() == 7);
  }
  try {
    run_in_userns(id, [] { throw std::runtime_error("plain failure"); });
    FAIL("no error");
  } catch (const Error& err) {
    CHECK(std::string(err.what()) == "plain failure");
    CHECK(err.exit_code() == 125);
  }
  try {
    run_in_userns(id, [] { ::raise(SIGKILL); });
    FAIL("no error");
  } catch (const Error& err) {
    CHECK(std::string(err.what()).find("signal 9") != std::string::npos);
  }
  // A normal return is no error.
  run_in_userns(id, [] {});
}

TEST_CASE("run_in_userns: single-ID namespace makes the caller root inside, mounts stay inside") {
  Identity id = single_identity();
  fs::TempDir dir;
  std::string mnt = fs::join(dir.path(), "mnt");
  fs::mkdir_p(mnt);
  UniqueFd result(::memfd_create("test-result", 0));
  REQUIRE(result);
  run_in_userns(id, [&] {
    if (::getuid() != 0 || ::getgid() != 0) throw Error("not root in the namespace");
    if (!in_user_namespace()) throw Error("not in a user namespace");
    if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=1m") < 0) fail_errno("mount tmpfs");
    struct statfs st;
    if (::statfs(mnt.c_str(), &st) < 0 || st.f_type != 0x01021994) throw Error("tmpfs not mounted");
    // Files the namespace's root creates belong to the caller outside.
    fs::write_file_atomic(fs::join(dir.path(), "made-inside"), "x");
    if (::write(result.get(), "ok", 2) != 2) fail_errno("write");
  });
  char buf[2];
  REQUIRE(::pread(result.get(), buf, 2, 0) == 2);
  struct statfs st;
  REQUIRE(::statfs(mnt.c_str(), &st) == 0);
  CHECK(st.f_type != 0x01021994);  // the mount died with the child's namespace
  struct stat file;
  REQUIRE(::stat(fs::join(dir.path(), "made-inside").c_str(), &file) == 0);
  CHECK(file.st_uid == ::getuid());
  CHECK(!in_user_namespace());
}

TEST_CASE("run_in_userns: without a mount namespace the child shares ours") {
  if (::getuid() != 0) return;  // mounting in the host namespace needs real root
  fs::TempDir dir;
  run_in_userns(
      root_identity(),
      [&] {
        char ns[64] = {};
        if (::readlink("/proc/self/ns/mnt", ns, sizeof ns - 1) < 0) fail_errno("readlink");
        std::string path = fs::join(dir.path(), "ns");
        fs::write_file_atomic(path, ns);
      },
      false);
  char ours[64] = {};
  REQUIRE(::readlink("/proc/self/ns/mnt", ours, sizeof ours - 1) > 0);
  CHECK(fs::read_file(fs::join(dir.path(), "ns")) == ours);
}
