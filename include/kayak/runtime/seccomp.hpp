// Seccomp: Docker-format profiles (the built-in default and
// `--security-opt seccomp=PROFILE.json`), compiled with libseccomp into the
// raw BPF program the launcher installs (ProcessSpec::seccomp_bpf), and a
// disk cache so that starting a container never recompiles a profile.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::runtime {

// Profile actions, named in JSON as SCMP_ACT_<NAME>.
enum class SeccompAction { Allow, Errno, KillThread, KillProcess, Trap, Trace, Log, Notify };
// Argument comparisons, named in JSON as SCMP_CMP_<NAME>.
enum class SeccompOp { NotEqual, LessThan, LessEqual, Equal, GreaterEqual, GreaterThan, MaskedEqual };

struct SeccompArg {
  unsigned index = 0;       // 0..5
  uint64_t value = 0;       // MaskedEqual: the mask
  uint64_t value_two = 0;   // MaskedEqual: the expected (arg & mask)
  SeccompOp op = SeccompOp::Equal;
  bool operator==(const SeccompArg&) const = default;
};

struct KernelVersion {
  unsigned major = 0;
  unsigned minor = 0;
  bool operator==(const KernelVersion&) const = default;
};

// A rule's includes/excludes condition. Docker's meaning: an includes
// condition keeps the rule only if every listed cap is in the container's
// bounding set, the native arch is listed, and the kernel is new enough; an
// excludes condition drops the rule if any listed cap is held, the native
// arch is listed, or the kernel is at least min_kernel.
struct SeccompCondition {
  std::vector<std::string> caps;    // "CAP_SYS_ADMIN"
  std::vector<std::string> arches;  // Go arch names: "amd64", "x32", "x86", "arm64", "s390x"...
  std::optional<KernelVersion> min_kernel;
  bool empty() const { return caps.empty() && arches.empty() && !min_kernel; }
  bool operator==(const SeccompCondition&) const = default;
};

struct SeccompRule {
  std::vector<std::string> names;
  SeccompAction action = SeccompAction::Allow;
  std::optional<unsigned> errno_ret;  // Errno/Trace; EPERM when absent
  std::vector<SeccompArg> args;       // all must match (AND), see compile
  SeccompCondition includes;
  SeccompCondition excludes;
  std::string comment;
  bool operator==(const SeccompRule&) const = default;
};

struct SeccompArchMap {
  std::string arch;                     // "SCMP_ARCH_X86_64"
  std::vector<std::string> sub_arches;  // "SCMP_ARCH_X86", "SCMP_ARCH_X32"
  bool operator==(const SeccompArchMap&) const = default;
};

struct SeccompProfile {
  SeccompAction default_action = SeccompAction::Errno;
  std::optional<unsigned> default_errno;  // EPERM when absent
  std::vector<std::string> architectures;  // flat list (OCI style) ...
  std::vector<SeccompArchMap> arch_map;    // ... or Docker's map; not both
  std::vector<std::string> flags;          // SECCOMP_FILTER_FLAG_*, see compile
  std::vector<SeccompRule> syscalls;
  bool operator==(const SeccompProfile&) const = default;
};

// Docker's default profile (moby profiles/seccomp), as our own table:
// ERRNO(EPERM) by default, a large allowlist, syscalls allowed only with
// certain capabilities, clone/clone3/socket/personality argument rules.
const SeccompProfile& default_seccomp_profile();

// Parses Docker's profile JSON. `source` names the document in errors
// ("seccomp profile /path/p.json: unknown action \"SCMP_ACT_FOO\"").
SeccompProfile parse_seccomp_profile(std::string_view json_text, std::string_view source);
// The profile in Docker's JSON format (parse_seccomp_profile reads it back
// equal); `kayak` can show the default profile with it.
std::string seccomp_profile_json(const SeccompProfile& profile);

// The host facts that choose among a profile's conditional rules.
struct SeccompHost {
  std::string go_arch;            // "amd64", "arm64", ... (Docker's arch names)
  KernelVersion kernel;           // from uname release "6.1.0-13-amd64" -> 6.1
  static SeccompHost current();
};

// Compiles for the native architecture plus its compat arches (archMap or
// architectures), keeping the rules the container's capability set (its
// bounding set, as Docker compares) and the host select. Prepends a stub
// that returns ENOSYS for syscall numbers above the highest one the
// profile names (per arch), as Docker's runtime does, so that syscalls
// newer than the profile look absent rather than forbidden and libc falls
// back. Returns the struct sock_filter array as bytes.
std::string compile_seccomp(const SeccompProfile& profile, const std::vector<int>& caps);
std::string compile_seccomp(const SeccompProfile& profile, const std::vector<int>& caps,
                            const SeccompHost& host);

// compile_seccomp through a cache in cache_dir (created when missing):
// profile_text is a Docker-format JSON document, or empty for the default
// profile; the key is sha256 over the profile bytes, caps, libseccomp
// version, kernel release, arch and our compiler revision. A hit reads one
// file; a corrupt or truncated file is recompiled and replaced, never
// returned. `source` names profile_text in parse errors.
std::string compile_seccomp_cached(std::string_view profile_text, const std::vector<int>& caps,
                                   const std::string& cache_dir, std::string_view source = "seccomp profile");

// What `--security-opt seccomp=VALUE` selects, as Docker decides it:
//   "unconfined"            -> no filter (empty string)
//   "" or "builtin"         -> the default profile; none when privileged
//   a path                  -> that Docker-format profile (also when privileged)
// On a kernel without seccomp filters the default is dropped with a
// warning and a profile file is an error. Returns the BPF bytes, through
// the cache in cache_dir.
std::string seccomp_filter_for_option(std::string_view value, const std::vector<int>& caps, bool privileged,
                                      const std::string& cache_dir);

// Number of instructions in a compiled program (bytes / sizeof(sock_filter)).
size_t seccomp_program_length(std::string_view bpf);

// For `info`.
struct SeccompFacts {
  std::string libseccomp_version;          // "2.5.4"
  unsigned api_level = 0;                  // seccomp_api_get()
  bool filter_supported = false;           // kernel accepts SECCOMP_MODE_FILTER
  std::vector<std::string> actions_avail;  // kernel: "kill_process", "errno", "log", ...
  bool ret_log = false;                    // SECCOMP_RET_LOG available
  bool ret_user_notif = false;             // SECCOMP_RET_USER_NOTIF available
  std::string native_arch;                 // Docker's name: "amd64"
  int current_mode = -1;                   // this process: 0 none, 1 strict, 2 filter (-1 unknown)
};
SeccompFacts seccomp_facts();

}  // namespace kayak::runtime
