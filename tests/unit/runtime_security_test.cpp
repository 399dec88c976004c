// Capabilities (Docker's --cap-add/--cap-drop/--privileged rules) and
// seccomp (profile parsing, compiling, the cache, and the compiled default
// profile actually installed in a child process). Nothing here needs root:
// no_new_privs lets any user install a filter on itself.
#include "kayak/runtime/capabilities.hpp"
#include "kayak/runtime/seccomp.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <cerrno>
#include <functional>

using namespace kayak;
using namespace kayak::runtime;

namespace {

bool has(const std::vector<int>& caps, int cap) { return std::find(caps.begin(), caps.end(), cap) != caps.end(); }

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// Runs `probe` in a forked child under `bpf` (empty: no filter) and returns
// what it returned: 0 for success, else the errno it saw. 255 means the
// filter could not be installed.
int errno_under(const std::string& bpf, const std::function<int()>& probe) {
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (!bpf.empty()) {
      sock_fprog prog{static_cast<unsigned short>(seccomp_program_length(bpf)),
                      reinterpret_cast<sock_filter*>(const_cast<char*>(bpf.data()))};
      if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) ::_exit(255);
      if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) ::_exit(255);
    }
    ::_exit(probe());
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

int result(long rc) { return rc < 0 ? errno : 0; }


// A classic-BPF evaluator for the instructions seccomp programs use, so the
// compat-arch paths (i386, x32) can be checked without running 32-bit code.
// Returns the filter's verdict (SECCOMP_RET_*) and counts instructions run.
uint32_t evaluate(const std::string& bpf, uint32_t arch, uint32_t nr, const std::array<uint64_t, 6>& args = {},
                  size_t* steps = nullptr) {
  seccomp_data data{};
  data.nr = static_cast<int>(nr);
  data.arch = arch;
  for (size_t i = 0; i < 6; ++i) data.args[i] = args[i];
  const auto* prog = reinterpret_cast<const sock_filter*>(bpf.data());
  const size_t len = seccomp_program_length(bpf);
  uint32_t a = 0, x = 0;
  uint32_t mem[BPF_MEMWORDS] = {};
  size_t pc = 0, count = 0;
  auto word_at = [&](uint32_t off) {
    uint32_t w;
    REQUIRE(off + 4 <= sizeof(data));
    std::memcpy(&w, reinterpret_cast<const char*>(&data) + off, 4);
    return w;
  };
  while (true) {
    REQUIRE(pc < len);
    const sock_filter& f = prog[pc++];
    ++count;
    const uint32_t src = BPF_SRC(f.code) == BPF_X ? x : f.k;
    switch (BPF_CLASS(f.code)) {
      case BPF_LD:
        if (BPF_MODE(f.code) == BPF_ABS) a = word_at(f.k);
        else if (BPF_MODE(f.code) == BPF_IMM) a = f.k;
        else if (BPF_MODE(f.code) == BPF_MEM) a = mem[f.k];
        else FAIL("unsupported load");
        break;
      case BPF_LDX:
        if (BPF_MODE(f.code) == BPF_IMM) x = f.k;
        else if (BPF_MODE(f.code) == BPF_MEM) x = mem[f.k];
        else FAIL("unsupported ldx");
        break;
      case BPF_ST: mem[f.k] = a; break;
      case BPF_STX: mem[f.k] = x; break;
      case BPF_ALU:
        switch (BPF_OP(f.code)) {
          case BPF_AND: a &= src; break;
          case BPF_OR: a |= src; break;
          case BPF_ADD: a += src; break;
          case BPF_SUB: a -= src; break;
          case BPF_RSH: a >>= src; break;
          case BPF_LSH: a <<= src; break;
          default: FAIL("unsupported alu op");
        }
        break;
      case BPF_JMP: {
        bool taken = false;
        switch (BPF_OP(f.code)) {
          case BPF_JA: pc += f.k; continue;
          case BPF_JEQ: taken = a == src; break;
          case BPF_JGT: taken = a > src; break;
          case BPF_JGE: taken = a >= src; break;
          case BPF_JSET: taken = (a & src) != 0; break;
          default: FAIL("unsupported jump");
        }
        pc += taken ? f.jt : f.jf;
        break;
      }
      case BPF_RET:
        if (steps) *steps = count;
        return BPF_RVAL(f.code) == BPF_A ? a : f.k;
      case BPF_MISC:
        if (BPF_MISCOP(f.code) == BPF_TAX) x = a;
        else a = x;
        break;
      default: FAIL("unsupported class");
    }
  }
}

constexpr uint32_t kErrno = SECCOMP_RET_ERRNO;
constexpr uint32_t kX32 = 0x40000000;

std::vector<int> defaults() { return default_capabilities(); }

std::vector<int> with(std::vector<int> caps, int cap) {
  caps.push_back(cap);
  std::sort(caps.begin(), caps.end());
  return caps;
}

std::vector<int> without(std::vector<int> caps, int cap) {
  caps.erase(std::remove(caps.begin(), caps.end(), cap), caps.end());
  return caps;
}

}  // namespace

// ---- capabilities ----

TEST_CASE("capability names and numbers") {
  CHECK(capability_number("NET_ADMIN") == CAP_NET_ADMIN);
  CHECK(capability_number("CAP_NET_ADMIN") == CAP_NET_ADMIN);
  CHECK(capability_number("cap_net_admin") == CAP_NET_ADMIN);
  CHECK(capability_number("Sys_Admin") == CAP_SYS_ADMIN);
  CHECK_FALSE(capability_number("FOO"));
  CHECK_FALSE(capability_number("ALL"));
  CHECK(capability_name(CAP_CHOWN) == "CAP_CHOWN");
  CHECK(capability_name(CAP_AUDIT_WRITE) == "CAP_AUDIT_WRITE");
  CHECK(last_capability() >= CAP_AUDIT_READ);
  CHECK(all_capabilities().size() == static_cast<size_t>(last_capability() + 1));
  // Every name we print reads back as the same number.
  for (int cap : all_capabilities()) CHECK(capability_number(capability_name(cap)) == cap);
}

TEST_CASE("Docker's 14 default capabilities") {
  auto caps = default_capabilities();
  CHECK(caps.size() == 14);
  for (int cap : {CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW, CAP_SETGID,
                  CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL,
                  CAP_AUDIT_WRITE}) {
    CHECK(has(caps, cap));
  }
  CHECK_FALSE(has(caps, CAP_SYS_ADMIN));
  CHECK_FALSE(has(caps, CAP_NET_ADMIN));
  CHECK(std::is_sorted(caps.begin(), caps.end()));
}

TEST_CASE("effective capabilities follow Docker's add/drop rules") {
  const auto all = all_capabilities();
  CHECK(effective_capabilities({}, {}, false, all) == default_capabilities());
  CHECK(effective_capabilities({}, {}, true, all) == all);

  SUBCASE("drop wins over the defaults") {
    auto caps = effective_capabilities({}, {"net_raw", "CAP_MKNOD"}, false, all);
    CHECK(caps == without(without(defaults(), CAP_NET_RAW), CAP_MKNOD));
  }
  SUBCASE("add extends the defaults") {
    auto caps = effective_capabilities({"SYS_ADMIN", "cap_net_admin"}, {}, false, all);
    CHECK(caps == with(with(defaults(), CAP_SYS_ADMIN), CAP_NET_ADMIN));
    // Adding a default again changes nothing.
    CHECK(effective_capabilities({"CHOWN"}, {}, false, all) == defaults());
  }
  SUBCASE("drop ALL keeps only what is added") {
    CHECK(effective_capabilities({"NET_BIND_SERVICE"}, {"ALL"}, false, all) == std::vector<int>{CAP_NET_BIND_SERVICE});
    CHECK(effective_capabilities({}, {"all"}, false, all).empty());
  }
  SUBCASE("add ALL gives everything except what is dropped") {
    auto caps = effective_capabilities({"ALL"}, {"SYS_ADMIN"}, false, all);
    CHECK(caps == without(all, CAP_SYS_ADMIN));
    CHECK(effective_capabilities({"ALL"}, {}, false, all) == all);
  }
  SUBCASE("unknown names are refused as Docker does") {
    CHECK(error_of([&] { effective_capabilities({"FOO"}, {}, false, all); }) == "unknown capability: \"CAP_FOO\"");
    CHECK(error_of([&] { effective_capabilities({}, {"cap_bar"}, false, all); }) == "unknown capability: \"CAP_BAR\"");
    // Drops are checked first.
    CHECK(error_of([&] { effective_capabilities({"FOO"}, {"BAR"}, false, all); }) == "unknown capability: \"CAP_BAR\"");
  }
  SUBCASE("the environment's limits") {
    // Here root lacks CAP_SYS_RESOURCE in its bounding set, for example.
    auto limited = without(all, CAP_SYS_RESOURCE);
    CHECK(error_of([&] { effective_capabilities({"SYS_RESOURCE"}, {}, false, limited); })
          == "capability not supported by your kernel or not available in the current environment: "
             "\"CAP_SYS_RESOURCE\"");
    CHECK(effective_capabilities({"ALL"}, {}, false, limited) == limited);
    CHECK(effective_capabilities({}, {}, true, limited) == limited);
    // A default that is unavailable is left out rather than failing.
    auto no_kill = without(all, CAP_KILL);
    CHECK(effective_capabilities({}, {}, false, no_kill) == without(defaults(), CAP_KILL));
  }
}

TEST_CASE("available capabilities are our bounding set") {
  auto available = available_capabilities();
  for (int cap : available) CHECK(::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1);
  for (int cap : all_capabilities()) {
    if (!has(available, cap)) CHECK(::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 0);
  }
}

TEST_CASE("canonical names for HostConfig.CapAdd/CapDrop") {
  CHECK(canonical_capability_names({"net_admin", "all", "CAP_kill", "Sys_Time"})
        == std::vector<std::string>{"CAP_NET_ADMIN", "ALL", "CAP_KILL", "CAP_SYS_TIME"});
  CHECK(error_of([] { canonical_capability_names({"NET_ADMIN", "nope"}); }) == "unknown capability: \"CAP_NOPE\"");
  CHECK(capability_names({CAP_CHOWN, CAP_SYS_ADMIN}) == std::vector<std::string>{"CAP_CHOWN", "CAP_SYS_ADMIN"});
}

// ---- seccomp profiles ----

TEST_CASE("the default profile round-trips through Docker's JSON format") {
  const auto& def = default_seccomp_profile();
  CHECK(def.default_action == SeccompAction::Errno);
  CHECK(def.default_errno == EPERM);
  std::string text = seccomp_profile_json(def);
  CHECK(text.find("\"defaultAction\": \"SCMP_ACT_ERRNO\"") != std::string::npos);
  CHECK(text.find("\"SCMP_CMP_MASKED_EQ\"") != std::string::npos);
  CHECK(parse_seccomp_profile(text, "default") == def);
}

TEST_CASE("parse a Docker profile") {
  auto p = parse_seccomp_profile(R"({
    "defaultAction": "SCMP_ACT_ERRNO",
    "defaultErrnoRet": 38,
    "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]},
                {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": null}],
    "unknownField": {"ignored": true},
    "syscalls": [
      {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
      {"name": "getpid", "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "comment": "legacy name"},
      {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}],
       "excludes": {"caps": ["CAP_SYS_ADMIN"], "arches": ["s390x"]}},
      {"names": ["ptrace"], "action": "SCMP_ACT_KILL_THREAD", "includes": {"minKernel": "4.8"}}
    ]})",
                                 "p.json");
  CHECK(p.default_errno == 38u);
  REQUIRE(p.arch_map.size() == 2);
  CHECK(p.arch_map[0].sub_arches == std::vector<std::string>{"SCMP_ARCH_X86"});
  CHECK(p.arch_map[1].sub_arches.empty());
  REQUIRE(p.syscalls.size() == 4);
  CHECK(p.syscalls[0].names == std::vector<std::string>{"read", "write"});
  CHECK(p.syscalls[1].names == std::vector<std::string>{"getpid"});
  CHECK(p.syscalls[1].errno_ret == 13u);
  REQUIRE(p.syscalls[2].args.size() == 1);
  CHECK(p.syscalls[2].args[0].op == SeccompOp::MaskedEqual);
  CHECK(p.syscalls[2].args[0].value == 2114060288u);
  CHECK(p.syscalls[2].excludes.caps == std::vector<std::string>{"CAP_SYS_ADMIN"});
  CHECK(p.syscalls[3].action == SeccompAction::KillThread);
  CHECK(p.syscalls[3].includes.min_kernel == KernelVersion{4, 8});
}

TEST_CASE("malformed profiles give errors that name the file") {
  auto err = [](std::string_view text) { return error_of([&] { parse_seccomp_profile(text, "/tmp/p.json"); }); };
  CHECK(err("{\"defaultAction\": ").find("/tmp/p.json") != std::string::npos);
  CHECK(err("{\"defaultAction\": ").find("malformed /tmp/p.json: ") != std::string::npos);
  CHECK(err("[]").find("/tmp/p.json: the profile must be an object") != std::string::npos);
  CHECK(err(R"({"syscalls": []})") == "/tmp/p.json: profile.defaultAction is missing");
  CHECK(err(R"({"defaultAction": "SCMP_ACT_FOO"})")
        == "/tmp/p.json: unknown action \"SCMP_ACT_FOO\" in profile.defaultAction");
  CHECK(err(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_NOPE"}]})")
        == "/tmp/p.json: unknown action \"SCMP_ACT_NOPE\" in syscalls[0].action");
  CHECK(err(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_NOTIFY"}]})")
            .find("needs a seccomp listener") != std::string::npos);
  CHECK(err(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
                "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]})")
            .find("both 'architectures' and 'archMap'") != std::string::npos);
  CHECK(err(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW",
                "args": [{"index": 7, "value": 1, "op": "SCMP_CMP_EQ"}]}]})")
        == "/tmp/p.json: syscalls[0].args[0].index 7 is out of range (0-5)");
  CHECK(err(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW",
                "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ALMOST"}]}]})")
        == "/tmp/p.json: unknown operator \"SCMP_CMP_ALMOST\" in syscalls[0].args[0].op");
  CHECK(err(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW",
                "includes": {"minKernel": "4"}}]})")
            .find("invalid kernel version \"4\"") != std::string::npos);
  CHECK(err(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"name": "read", "names": ["write"],
                "action": "SCMP_ACT_ALLOW"}]})")
            .find("both \"name\" and \"names\"") != std::string::npos);
  CHECK(err(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": "read", "action": "SCMP_ACT_ALLOW"}]})")
        == "/tmp/p.json: syscalls[0].names must be a list of strings");
  CHECK(err(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": -1})")
        == "/tmp/p.json: profile.defaultErrnoRet must not be negative");
}

// ---- the compiled default profile, installed ----

TEST_CASE("the default profile denies what Docker denies") {
  const std::string bpf = compile_seccomp(default_seccomp_profile(), default_capabilities());
  REQUIRE(!bpf.empty());
  CHECK(bpf.size() % sizeof(sock_filter) == 0);
  CHECK(seccomp_program_length(bpf) <= BPF_MAXINSNS);

  // Allowed: the everyday syscalls.
  CHECK(errno_under(bpf, [] { return ::getpid() > 0 ? 0 : 1; }) == 0);
  CHECK(errno_under(bpf, [] {
          int fds[2];
          if (::pipe(fds) != 0) return errno;
          return ::write(fds[1], "x", 1) == 1 ? 0 : errno;
        }) == 0);
  // fork() is clone() without namespace flags.
  CHECK(errno_under(bpf, [] {
          pid_t child = ::fork();
          if (child < 0) return errno;
          if (child == 0) ::_exit(0);
          int status = 0;
          ::waitpid(child, &status, 0);
          return 0;
        }) == 0);
  CHECK(errno_under(bpf, [] { return result(::socket(AF_UNIX, SOCK_STREAM, 0)); }) == 0);
  CHECK(errno_under(bpf, [] { return result(::personality(0xffffffff)); }) == 0);

  // Denied with EPERM: no capability for them in a default container.
  // (Each probe is one that succeeds without the filter.)
  auto session_keyring = [] { return result(::syscall(SYS_keyctl, 0 /*KEYCTL_GET_KEYRING_ID*/, -3, 0)); };
  CHECK(errno_under("", session_keyring) == 0);
  CHECK(errno_under(bpf, session_keyring) == EPERM);
  CHECK(errno_under(bpf, [] { return result(::syscall(SYS_add_key, "user", "k", "v", 1, -3)); }) == EPERM);
  CHECK(errno_under(bpf, [] { return result(::unshare(CLONE_NEWUSER)); }) == EPERM);
  CHECK(errno_under("", [] { return result(::unshare(0)); }) == 0);
  CHECK(errno_under(bpf, [] { return result(::unshare(0)); }) == EPERM);
  CHECK(errno_under(bpf, [] { return result(::syscall(SYS_mount, "none", "/", "tmpfs", 0, nullptr)); }) == EPERM);
  CHECK(errno_under(bpf, [] { return result(::syscall(SYS_setns, 0, 0)); }) == EPERM);
  // ptrace itself is allowed (kernel >= 4.8); kcmp needs CAP_SYS_PTRACE.
  auto kcmp_self = [] { return result(::syscall(SYS_kcmp, ::getpid(), ::getpid(), 0 /*KCMP_FILE*/, 0, 0)); };
  CHECK(errno_under("", kcmp_self) == 0);
  CHECK(errno_under(bpf, kcmp_self) == EPERM);
  CHECK(errno_under(bpf, [] { return result(::syscall(SYS_clock_settime, 0, nullptr)); }) == EPERM);
  CHECK(errno_under(bpf, [] { return result(::socket(AF_VSOCK, SOCK_STREAM, 0)); }) == EPERM);
  CHECK(errno_under(bpf, [] { return result(::socket(AF_ALG, SOCK_SEQPACKET, 0)); }) == EPERM);
  CHECK(errno_under(bpf, [] { return result(::personality(PER_BSD)); }) == EPERM);
  // clone() asking for a namespace is refused; the same call without is not.
  CHECK(errno_under(bpf, [] { return result(::syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0)); }) == EPERM);

  // ENOSYS: clone3 (so libc falls back to clone) and numbers above any
  // syscall the profile knows.
  CHECK(errno_under(bpf, [] { return result(::syscall(SYS_clone3, nullptr, 0)); }) == ENOSYS);
  CHECK(errno_under(bpf, [] { return result(::syscall(1000)); }) == ENOSYS);
  CHECK(errno_under(bpf, [] { return result(::syscall(0x3fffffff)); }) == ENOSYS);
#if defined(__x86_64__)
  // mseal (462, kernel 6.9): listed by Docker's profile but unknown to
  // older libseccomp builds. Either it is allowed (a libseccomp that knows
  // it) or it looks absent; never EPERM.
  auto mseal_nothing = [] { return result(::syscall(462, 0, 0, 0)); };
  int native = errno_under("", mseal_nothing);
  int filtered = errno_under(bpf, mseal_nothing);
  CHECK(filtered != EPERM);
  CHECK((filtered == ENOSYS || filtered == native));
#endif
#if defined(__x86_64__)
  // A hole in x86_64's table below the highest known number: the default
  // action, as with Docker.
  CHECK(errno_under(bpf, [] { return result(::syscall(400)); }) == EPERM);
#endif
}

#if defined(__x86_64__)
TEST_CASE("the default profile on x86_64's compat arches (evaluated, not run)") {
  const std::string bpf = compile_seccomp(default_seccomp_profile(), default_capabilities());
  // The evaluator agrees with the kernel on native calls.
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, SYS_getpid) == SECCOMP_RET_ALLOW);
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, SYS_keyctl) == (kErrno | EPERM));
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, 1000) == (kErrno | ENOSYS));
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, SYS_clone, {CLONE_NEWNET}) == (kErrno | EPERM));
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, SYS_clone, {CLONE_VM | CLONE_THREAD}) == SECCOMP_RET_ALLOW);
  // Only the low 32 bits of the family count for the kernel, but the rule
  // compares all 64 (as Docker's does).
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, SYS_socket, {AF_VSOCK}) == (kErrno | EPERM));
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, SYS_socket, {AF_INET}) == SECCOMP_RET_ALLOW);
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, SYS_socket, {AF_ALG + 1}) == SECCOMP_RET_ALLOW);
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, SYS_socket, {AF_VSOCK + 1}) == SECCOMP_RET_ALLOW);

  // i386: getpid is 20, keyctl 288, socketcall 102 (how i386 makes socket
  // calls), and numbers past its table look absent.
  CHECK(evaluate(bpf, AUDIT_ARCH_I386, 20) == SECCOMP_RET_ALLOW);
  CHECK(evaluate(bpf, AUDIT_ARCH_I386, 288) == (kErrno | EPERM));
  CHECK(evaluate(bpf, AUDIT_ARCH_I386, 102) == SECCOMP_RET_ALLOW);
  CHECK(evaluate(bpf, AUDIT_ARCH_I386, 1000) == (kErrno | ENOSYS));

  // x32: x86_64's numbers with bit 30 set.
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, kX32 | SYS_getpid) == SECCOMP_RET_ALLOW);
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, kX32 | SYS_keyctl) == (kErrno | EPERM));
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, kX32 | 1000) == (kErrno | ENOSYS));

  // An arch the profile does not name is killed (libseccomp's bad-arch
  // action), never let through.
  CHECK(evaluate(bpf, AUDIT_ARCH_AARCH64, 172) == SECCOMP_RET_KILL_THREAD);

  // A binary tree keeps the common path short.
  size_t steps = 0;
  evaluate(bpf, AUDIT_ARCH_X86_64, SYS_read, {}, &steps);
  CHECK(steps < 40);
}
#endif

TEST_CASE("capabilities open the syscalls they govern") {
  const auto& profile = default_seccomp_profile();
  // chroot fails on the path before it checks privilege, so a seccomp EPERM
  // is told apart from the kernel's answer.
  auto chroot_missing = [] { return result(::chroot("/nonexistent-kayak-test")); };
  CHECK(errno_under(compile_seccomp(profile, default_capabilities()), chroot_missing) == ENOENT);
  CHECK(errno_under(compile_seccomp(profile, without(defaults(), CAP_SYS_CHROOT)), chroot_missing) == EPERM);

  // With CAP_SYS_ADMIN, unshare and clone3 reach the kernel.
  const std::string admin = compile_seccomp(profile, with(defaults(), CAP_SYS_ADMIN));
  CHECK(errno_under(admin, [] { return result(::unshare(0)); }) == 0);
  CHECK(errno_under(admin, [] { return result(::syscall(SYS_clone3, nullptr, 0)); }) == EINVAL);
  CHECK(errno_under(admin, [] { return result(::syscall(SYS_keyctl, 0, -3, 0)); }) == EPERM);
}

TEST_CASE("a custom profile: errnoRet, args and the default action") {
  auto p = parse_seccomp_profile(R"({
    "defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [
      {"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
      {"names": ["dup"], "action": "SCMP_ACT_ERRNO",
       "args": [{"index": 0, "value": 100, "op": "SCMP_CMP_GE"}]},
      {"names": ["no_such_syscall_anywhere"], "action": "SCMP_ACT_ERRNO"}
    ]})",
                                 "custom.json");
  std::string bpf = compile_seccomp(p, {});
  CHECK(errno_under(bpf, [] { return result(::syscall(SYS_getppid)); }) == EACCES);
  CHECK(errno_under(bpf, [] { return result(::dup(1)); }) == 0);
  CHECK(errno_under(bpf, [] { return result(::syscall(SYS_dup, 100)); }) == EPERM);
#if defined(__x86_64__)
  // An allow-by-default profile gets no ENOSYS prefix: unknown numbers are
  // allowed through (and the kernel answers them).
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, 1000) == SECCOMP_RET_ALLOW);
#endif
}

#if defined(__x86_64__)
TEST_CASE("argument conditions: one index is OR, several indexes are AND") {
  auto p = parse_seccomp_profile(R"({
    "defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [
      {"names": ["dup"], "action": "SCMP_ACT_ERRNO",
       "args": [{"index": 0, "value": 5, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 7, "op": "SCMP_CMP_EQ"}]},
      {"names": ["dup2"], "action": "SCMP_ACT_ERRNO",
       "args": [{"index": 0, "value": 5, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 9, "op": "SCMP_CMP_EQ"}]},
      {"names": ["fcntl"], "action": "SCMP_ACT_KILL_PROCESS",
       "args": [{"index": 1, "value": 240, "valueTwo": 16, "op": "SCMP_CMP_MASKED_EQ"}]}
    ]})",
                                 "args.json");
  std::string bpf = compile_seccomp(p, {});
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, SYS_dup, {5}) == (kErrno | EPERM));
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, SYS_dup, {7}) == (kErrno | EPERM));
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, SYS_dup, {6}) == SECCOMP_RET_ALLOW);
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, SYS_dup2, {5, 9}) == (kErrno | EPERM));
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, SYS_dup2, {5, 8}) == SECCOMP_RET_ALLOW);
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, SYS_dup2, {4, 9}) == SECCOMP_RET_ALLOW);
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, SYS_fcntl, {0, 0x1f}) == SECCOMP_RET_KILL_PROCESS);
  CHECK(evaluate(bpf, AUDIT_ARCH_X86_64, SYS_fcntl, {0, 0x2f}) == SECCOMP_RET_ALLOW);
}

TEST_CASE("minKernel and arches select rules for the host") {
  const auto& profile = default_seccomp_profile();
  const auto caps = default_capabilities();
  SeccompHost old_kernel{"amd64", {4, 4}};
  SeccompHost new_kernel{"amd64", {6, 1}};
  // ptrace is allowed without CAP_SYS_PTRACE only from 4.8 on.
  CHECK(evaluate(compile_seccomp(profile, caps, old_kernel), AUDIT_ARCH_X86_64, SYS_ptrace) == (kErrno | EPERM));
  CHECK(evaluate(compile_seccomp(profile, caps, new_kernel), AUDIT_ARCH_X86_64, SYS_ptrace) == SECCOMP_RET_ALLOW);
  CHECK(evaluate(compile_seccomp(profile, with(caps, CAP_SYS_PTRACE), old_kernel), AUDIT_ARCH_X86_64, SYS_ptrace)
        == SECCOMP_RET_ALLOW);
  // arch_prctl is an amd64/x32 rule: absent for a host that says arm64.
  CHECK(evaluate(compile_seccomp(profile, caps, new_kernel), AUDIT_ARCH_X86_64, SYS_arch_prctl) == SECCOMP_RET_ALLOW);
  CHECK(evaluate(compile_seccomp(profile, caps, SeccompHost{"arm64", {6, 1}}), AUDIT_ARCH_X86_64, SYS_arch_prctl)
        == (kErrno | EPERM));
}
#endif

// ---- the cache ----

TEST_CASE("compiled filters are cached and damaged cache files recompiled") {
  fs::TempDir dir;
  const std::string cache = fs::join(dir.path(), "cache/seccomp");
  const auto caps = default_capabilities();
  const std::string fresh = compile_seccomp(default_seccomp_profile(), caps);

  std::string first = compile_seccomp_cached({}, caps, cache);
  CHECK(first == fresh);
  auto files = fs::list_dir(cache);
  REQUIRE(files.size() == 1);
  const std::string path = fs::join(cache, files[0]);

  // A hit reads the file and leaves it alone (a recompile would replace
  // it through a rename, giving a new inode).
  struct stat before {}, after {};
  REQUIRE(::stat(path.c_str(), &before) == 0);
  CHECK(compile_seccomp_cached({}, caps, cache) == first);
  REQUIRE(::stat(path.c_str(), &after) == 0);
  CHECK(before.st_ino == after.st_ino);

  SUBCASE("truncated") {
    std::string bytes = fs::read_file(path);
    fs::write_file_atomic(path, bytes.substr(0, bytes.size() - 8));
  }
  SUBCASE("one byte flipped in the program") {
    std::string bytes = fs::read_file(path);
    bytes[bytes.size() - 3] ^= 0x40;
    fs::write_file_atomic(path, bytes);
  }
  SUBCASE("empty") { fs::write_file_atomic(path, ""); }
  SUBCASE("garbage") { fs::write_file_atomic(path, std::string(200, 'x')); }

  CHECK(compile_seccomp_cached({}, caps, cache) == fresh);
  // ... and the file was rewritten whole.
  CHECK(compile_seccomp_cached({}, caps, cache) == fresh);
  CHECK(fs::read_file(path).size() > fresh.size());
  CHECK(fs::list_dir(cache).size() == 1);
}

TEST_CASE("cache keys: caps and profile text select different entries") {
  fs::TempDir dir;
  const auto caps = default_capabilities();
  std::string a = compile_seccomp_cached({}, caps, dir.path());
  std::string b = compile_seccomp_cached({}, with(caps, CAP_SYS_ADMIN), dir.path());
  CHECK(a != b);
  const std::string text = R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ERRNO"}]})";
  std::string c = compile_seccomp_cached(text, caps, dir.path());
  CHECK(c == compile_seccomp(parse_seccomp_profile(text, "t"), caps));
  CHECK(fs::list_dir(dir.path()).size() == 3);
  CHECK(error_of([&] { compile_seccomp_cached("{nope", caps, dir.path(), "seccomp profile /x.json"); })
            .find("/x.json") != std::string::npos);
}

TEST_CASE("--security-opt seccomp=") {
  fs::TempDir dir;
  const auto caps = default_capabilities();
  const std::string def = compile_seccomp(default_seccomp_profile(), caps);
  CHECK(seccomp_filter_for_option("unconfined", caps, false, dir.path()).empty());
  CHECK(seccomp_filter_for_option("", caps, false, dir.path()) == def);
  CHECK(seccomp_filter_for_option("builtin", caps, false, dir.path()) == def);
  // --privileged drops the default filter but keeps an explicit profile.
  CHECK(seccomp_filter_for_option("", caps, true, dir.path()).empty());
  const std::string file = fs::join(dir.path(), "p.json");
  fs::write_file_atomic(file, seccomp_profile_json(default_seccomp_profile()));
  CHECK(seccomp_filter_for_option(file, caps, false, fs::join(dir.path(), "c")) == def);
  CHECK(seccomp_filter_for_option(file, caps, true, fs::join(dir.path(), "c")) == def);
  CHECK(error_of([&] { seccomp_filter_for_option(fs::join(dir.path(), "missing.json"), caps, false, dir.path()); })
            .find("opening seccomp profile failed") != std::string::npos);
  fs::write_file_atomic(file, "{\"defaultAction\": \"SCMP_ACT_BOGUS\"}");
  CHECK(error_of([&] { seccomp_filter_for_option(file, caps, false, dir.path()); })
        == fmt::format("seccomp profile {}: unknown action \"SCMP_ACT_BOGUS\" in profile.defaultAction", file));
  fs::write_file_atomic(file, "  \n");
  CHECK(error_of([&] { seccomp_filter_for_option(file, caps, false, dir.path()); })
        == fmt::format("seccomp profile {}: the file is empty", file));
}

TEST_CASE("seccomp facts") {
  auto f = seccomp_facts();
  CHECK(!f.libseccomp_version.empty());
  CHECK(f.api_level >= 1);
  CHECK(f.filter_supported);
  CHECK(std::find(f.actions_avail.begin(), f.actions_avail.end(), "errno") != f.actions_avail.end());
#if defined(__x86_64__)
  CHECK(f.native_arch == "amd64");
#endif
  CHECK(f.current_mode == 0);
}
