// SeccompProfile + the container's capabilities -> BPF bytes, with
// libseccomp doing the rule compilation for each architecture and our
// ENOSYS stub (seccomp_enosys.hpp) put in front.
#include "kayak/runtime/seccomp.hpp"

#include "kayak/runtime/capabilities.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"

#include "seccomp_arch.hpp"
#include "seccomp_enosys.hpp"
#include "seccomp_names.hpp"

#include <linux/audit.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <map>

namespace kayak::runtime {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool kernel_at_least(const KernelVersion& have, const KernelVersion& want) {
  return have.major > want.major || (have.major == want.major && have.minor >= want.minor);
}

// Docker's selection: excludes drop a rule when ANY listed fact holds;
// includes keep it only when ALL listed facts hold. Capabilities are
// compared with the container's bounding set, which is `caps`.
bool rule_applies(const SeccompRule& rule, const std::vector<std::string>& cap_names, const SeccompHost& host) {
  const auto& ex = rule.excludes;
  if (contains(ex.arches, host.go_arch)) return false;
  for (const auto& cap : ex.caps) {
    if (contains(cap_names, cap)) return false;
  }
  if (ex.min_kernel && kernel_at_least(host.kernel, *ex.min_kernel)) return false;

  const auto& in = rule.includes;
  if (!in.arches.empty() && !contains(in.arches, host.go_arch)) return false;
  for (const auto& cap : in.caps) {
    if (!contains(cap_names, cap)) return false;
  }
  if (in.min_kernel && !kernel_at_least(host.kernel, *in.min_kernel)) return false;
  return true;
}

uint32_t libseccomp_action(SeccompAction action, std::optional<unsigned> errno_ret) {
  unsigned err = errno_ret.value_or(EPERM);
  switch (action) {
    case SeccompAction::Allow: return SCMP_ACT_ALLOW;
    case SeccompAction::Errno: return SCMP_ACT_ERRNO(err);
    case SeccompAction::KillThread: return SCMP_ACT_KILL_THREAD;
    case SeccompAction::KillProcess: return SCMP_ACT_KILL_PROCESS;
    case SeccompAction::Trap: return SCMP_ACT_TRAP;
    case SeccompAction::Trace: return SCMP_ACT_TRACE(err);
    case SeccompAction::Log: return SCMP_ACT_LOG;
    case SeccompAction::Notify: break;
  }
  fail("seccomp: action {} is not supported", seccomp_names::action_name(action));
}

scmp_compare libseccomp_op(SeccompOp op) {
  switch (op) {
    case SeccompOp::NotEqual: return SCMP_CMP_NE;
    case SeccompOp::LessThan: return SCMP_CMP_LT;
    case SeccompOp::LessEqual: return SCMP_CMP_LE;
    case SeccompOp::Equal: return SCMP_CMP_EQ;
    case SeccompOp::GreaterEqual: return SCMP_CMP_GE;
    case SeccompOp::GreaterThan: return SCMP_CMP_GT;
    case SeccompOp::MaskedEqual: return SCMP_CMP_MASKED_EQ;
  }
  return SCMP_CMP_EQ;
}

class Filter {
public:
  explicit Filter(uint32_t default_action) : ctx_(seccomp_init(default_action)) {
    if (!ctx_) fail("seccomp: cannot create a libseccomp filter");
    // The launcher sets no_new_privs itself when asked; the filter must not.
    check(seccomp_attr_set(ctx_, SCMP_FLTATR_CTL_NNP, 0), "disable no_new_privs");
  }
  ~Filter() { seccomp_release(ctx_); }
  Filter(const Filter&) = delete;
  Filter& operator=(const Filter&) = delete;

  scmp_filter_ctx get() const { return ctx_; }

  static void check(int rc, std::string_view what) {
    if (rc < 0) fail_errno_value(-rc, "seccomp: {}", what);
  }

private:
  scmp_filter_ctx ctx_;
};

// The architectures to compile for: native first, then its compat arches
// from the profile (archMap entry for native, or the flat list).
std::vector<uint32_t> filter_arches(const SeccompProfile& profile) {
  const uint32_t native = seccomp_arch_native();
  std::vector<uint32_t> arches = {native};
  auto add = [&](const std::string& name) {
    uint32_t token = seccomp_arch::token_of(name);
    if (token == 0) fail("seccomp: unknown architecture \"{}\"", name);
    if (std::find(arches.begin(), arches.end(), token) == arches.end()) arches.push_back(token);
  };
  for (const auto& entry : profile.arch_map) {
    if (seccomp_arch::token_of(entry.arch) != native) continue;
    for (const auto& sub : entry.sub_arches) add(sub);
    break;
  }
  for (const auto& name : profile.architectures) add(name);
  return arches;
}

std::string export_bpf(const Filter& filter) {
  UniqueFd fd(::memfd_create("kayak-seccomp", MFD_CLOEXEC));
  if (!fd) fail_errno("seccomp: memfd_create");
  Filter::check(seccomp_export_bpf(filter.get(), fd.get()), "export BPF");
  return fs::read_fd_from_start(fd.get(), "seccomp BPF");
}

// Highest syscall number named by the kept rules, per arch; the ENOSYS stub
// answers anything above it.
std::vector<SyscallLimit> syscall_limits(const std::vector<const SeccompRule*>& rules,
                                         const std::vector<uint32_t>& arches) {
  std::map<uint32_t, SyscallLimit> by_audit_arch;
  for (uint32_t token : arches) {
    std::optional<uint32_t> highest;
    for (const auto* rule : rules) {
      for (const auto& name : rule->names) {
        int nr = seccomp_syscall_resolve_name_arch(token, name.c_str());
        if (nr >= 0 && (!highest || static_cast<uint32_t>(nr) > *highest)) highest = static_cast<uint32_t>(nr);
      }
    }
    if (!highest) continue;
    // libseccomp's arch tokens are the kernel's AUDIT_ARCH values, except
    // x32, which the kernel reports as x86_64.
    const bool x32 = token == SCMP_ARCH_X32;
    auto& limit = by_audit_arch[x32 ? AUDIT_ARCH_X86_64 : token];
    limit.audit_arch = x32 ? AUDIT_ARCH_X86_64 : token;
    (x32 ? limit.max_x32 : limit.max) = highest;
  }
  std::vector<SyscallLimit> out;
  for (const auto& [arch, limit] : by_audit_arch) out.push_back(limit);
  return out;
}

bool wants_enosys_stub(const SeccompProfile& profile) {
  switch (profile.default_action) {
    // Permissive defaults: nothing to soften.
    case SeccompAction::Allow:
    case SeccompAction::Log:
    case SeccompAction::Trace:
      return false;
    case SeccompAction::Errno:
      return profile.default_errno.value_or(EPERM) != ENOSYS;
    default:
      return true;
  }
}

void add_rule(Filter& filter, const SeccompRule& rule, uint32_t action, const std::string& name, int nr) {
  std::vector<scmp_arg_cmp> conditions;
  bool repeated_index = false;
  for (const auto& arg : rule.args) {
    for (const auto& c : conditions) repeated_index |= c.arg == arg.index;
    conditions.push_back({arg.index, libseccomp_op(arg.op), arg.value, arg.value_two});
  }
  auto what = [&] { return fmt::format("add rule for syscall {}", name); };
  if (repeated_index) {
    // Two conditions on one argument cannot be ANDed by libseccomp: like
    // Docker's runtime, each becomes a rule of its own (OR).
    for (const auto& c : conditions) Filter::check(seccomp_rule_add_array(filter.get(), action, nr, 1, &c), what());
  } else {
    Filter::check(seccomp_rule_add_array(filter.get(), action, nr, static_cast<unsigned>(conditions.size()),
                                         conditions.data()),
                  what());
  }
}

}  // namespace

SeccompHost SeccompHost::current() {
  SeccompHost host;
  host.go_arch = seccomp_arch::go_name(seccomp_arch_native());
  struct utsname uts {};
  if (::uname(&uts) == 0) {
    if (std::sscanf(uts.release, "%u.%u", &host.kernel.major, &host.kernel.minor) != 2) host.kernel = {};
  }
  return host;
}

size_t seccomp_program_length(std::string_view bpf) { return bpf.size() / sizeof(sock_filter); }

std::string compile_seccomp(const SeccompProfile& profile, const std::vector<int>& caps) {
  return compile_seccomp(profile, caps, SeccompHost::current());
}

std::string compile_seccomp(const SeccompProfile& profile, const std::vector<int>& caps, const SeccompHost& host) {
  const auto cap_names = capability_names(caps);
  const uint32_t default_action = libseccomp_action(profile.default_action, profile.default_errno);
  Filter filter(default_action);

  const auto arches = filter_arches(profile);
  for (uint32_t token : arches) {
    int rc = seccomp_arch_add(filter.get(), token);
    if (rc != -EEXIST) Filter::check(rc, fmt::format("add architecture {}", seccomp_arch::json_name(token)));
  }

  for (const auto& flag : profile.flags) {
    // Filter flags are arguments of the seccomp() call that installs the
    // program, which the launcher makes; the program itself cannot carry
    // them.
    log::warn("seccomp profile flag {} is not applied", flag);
  }

  std::vector<const SeccompRule*> kept;
  size_t named = 0;
  for (const auto& rule : profile.syscalls) {
    if (!rule_applies(rule, cap_names, host)) continue;
    kept.push_back(&rule);
    named += rule.names.size();
  }
  // A binary search over syscall numbers instead of a linear list: fewer
  // instructions run per syscall in the container. Like Docker's runtime,
  // only for longer lists (libseccomp 2.5 misbehaves on tiny ones).
  if (named > 32 && seccomp_attr_set(filter.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0) {
    log::debug("seccomp: libseccomp cannot build a binary-tree filter; using a linear one");
  }

  for (const auto* rule_ptr : kept) {
    const auto& rule = *rule_ptr;
    const uint32_t action = libseccomp_action(rule.action, rule.errno_ret);
    // libseccomp refuses a rule that repeats the default action; it would
    // change nothing anyway.
    if (action == default_action) continue;
    for (const auto& name : rule.names) {
      int nr = seccomp_syscall_resolve_name(name.c_str());
      // A syscall this libseccomp (or any of the arches) does not know
      // cannot be made here either: skip it, as Docker's runtime does.
      if (nr == __NR_SCMP_ERROR) continue;
      add_rule(filter, rule, action, name, nr);
    }
  }

  std::string program = export_bpf(filter);
  if (program.empty() || program.size() % sizeof(sock_filter) != 0) {
    fail("seccomp: libseccomp produced an invalid program ({} bytes)", program.size());
  }
  if (!wants_enosys_stub(profile)) return program;

  auto stub = enosys_stub(syscall_limits(kept, arches));
  std::string out(reinterpret_cast<const char*>(stub.data()), stub.size() * sizeof(sock_filter));
  out += program;
  if (seccomp_program_length(out) > BPF_MAXINSNS) {
    fail("seccomp: the compiled filter has {} instructions, more than the kernel's {}", seccomp_program_length(out),
         BPF_MAXINSNS);
  }
  return out;
}

}  // namespace kayak::runtime
