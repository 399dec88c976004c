// The process half of a plan: stdio, limits, user, terminal, capabilities,
// seccomp, working directory and execve.
#include "planner.hpp"
#include "seccomp_bind_notify.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <string_view>

namespace kayak::runtime::detail {

namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string rlimit_name(int resource) {
  switch (resource) {
  case RLIMIT_CPU: return "cpu";
  case RLIMIT_FSIZE: return "fsize";
  case RLIMIT_DATA: return "data";
  case RLIMIT_STACK: return "stack";
  case RLIMIT_CORE: return "core";
  case RLIMIT_RSS: return "rss";
  case RLIMIT_NPROC: return "nproc";
  case RLIMIT_NOFILE: return "nofile";
  case RLIMIT_MEMLOCK: return "memlock";
  case RLIMIT_AS: return "as";
  case RLIMIT_LOCKS: return "locks";
  case RLIMIT_SIGPENDING: return "sigpending";
  case RLIMIT_MSGQUEUE: return "msgqueue";
  case RLIMIT_NICE: return "nice";
  case RLIMIT_RTPRIO: return "rtprio";
  case RLIMIT_RTTIME: return "rttime";
  default: return std::to_string(resource);
  }
}

std::string limit_text(uint64_t v) { return v == RLIM_INFINITY ? "unlimited" : std::to_string(v); }

void plan_rlimits(Plan& plan, const std::vector<Rlimit>& limits) {
  for (const auto& l : limits) {
    std::string name = rlimit_name(l.resource);
    struct rlimit current;
    if (::getrlimit(static_cast<__rlimit_resource>(l.resource), &current) < 0) fail_errno("ulimit {}", name);
    if (l.soft > l.hard) {
      fail("ulimit {}={}:{}: the soft limit is above the hard limit", name, limit_text(l.soft), limit_text(l.hard));
    }
    // Raising a hard limit needs CAP_SYS_RESOURCE in the initial namespace,
    // which a rootless caller (and root here) lacks: refuse before starting.
    if (current.rlim_max != RLIM_INFINITY && l.hard > current.rlim_max) {
      fail("ulimit {}={}:{}: the hard limit is above this process's hard limit {} (raising it needs CAP_SYS_RESOURCE)",
           name, limit_text(l.soft), limit_text(l.hard), limit_text(current.rlim_max));
    }
    Step& s = plan.add(Op::Rlimit, fmt::format("set ulimit {}={}:{}", name, limit_text(l.soft), limit_text(l.hard)));
    s.kind = l.resource;
    s.x = l.soft;
    s.y = l.hard;
  }
}

int last_capability() {
  static int last = [] {
    std::string text;
    if (!fs::read_file_if_exists("/proc/sys/kernel/cap_last_cap", text)) return 40;
    return std::stoi(std::string(str::trim(text)));
  }();
  return last;
}

uint64_t capability_mask(const std::vector<int>& caps) {
  uint64_t mask = 0;
  int last = last_capability();
  for (int cap : caps) {
    if (cap < 0 || cap > last || cap >= 64) fail("capability {} is not known to this kernel (the last is {})", cap, last);
    mask |= uint64_t{1} << cap;
  }
  return mask;
}

std::string env_value(const std::vector<std::string>& env, std::string_view key) {
  for (const auto& kv : env) {
    if (kv.size() > key.size() && kv.compare(0, key.size(), key) == 0 && kv[key.size()] == '=') {
      return kv.substr(key.size() + 1);
    }
  }
  return {};
}

bool env_has(const std::vector<std::string>& env, std::string_view key) {
  for (const auto& kv : env) {
    if (kv.size() > key.size() && kv.compare(0, key.size(), key) == 0 && kv[key.size()] == '=') return true;
  }
  return false;
}

void add_seccomp(Plan& plan, const std::string& bpf) {
  auto& program = plan.programs.emplace_back();
  program.len = static_cast<unsigned short>(bpf.size() / sizeof(sock_filter));
  program.filter = reinterpret_cast<sock_filter*>(const_cast<char*>(plan.keep(bpf)));
  Step& s = plan.add(Op::Seccomp, "install the seccomp filter");
  s.blob = &program;
}

}  // namespace

void plan_process(Plan& plan, const ProcessSpec& process, const ProcessContext& context) {
  if (process.args.empty()) fail("no command specified");
  if (process.args[0].empty()) fail("exec: the command is an empty string");
  if (!process.seccomp_bpf.empty() &&
      (process.seccomp_bpf.size() % sizeof(sock_filter) != 0 || process.seccomp_bpf.size() / sizeof(sock_filter) > 0xffff)) {
    fail("the compiled seccomp filter has a bad size ({} bytes)", process.seccomp_bpf.size());
  }
  std::string cwd = process.cwd.empty() ? "/" : process.cwd;
  if (cwd[0] != '/') fail("the working directory {} is not an absolute path", cwd);
  uint64_t caps = capability_mask(process.caps);

  if (!process.tty) {
    Step& s = plan.add(Op::Stdio, "set up stdin, stdout and stderr");
    s.x = static_cast<uint64_t>(static_cast<int64_t>(context.stdio.in));
    s.y = static_cast<uint64_t>(static_cast<int64_t>(context.stdio.out));
    s.kind = context.stdio.err;
  }
  {
    plan.user_spec = process.user;
    Step& s = plan.add(Op::ResolveUser, fmt::format("resolve the user {:?}", process.user));
    s.a = plan.keep(process.user);
    auto& gids = plan.gid_arrays.emplace_back(process.extra_gids);
    s.blob = gids.data();
    s.x = gids.size();
  }
  if (context.create_cwd) {
    Step& s = plan.add(Op::MkdirCwd, fmt::format("create the working directory {}", cwd));
    s.a = plan.keep(cwd);
  }
  // Its own session, so the caller's terminal signals reach it only through
  // the monitor; with a tty, the session's controlling terminal.
  plan.add(Op::Setsid, "setsid");
  if (process.tty) {
    Step& s = plan.add(Op::Tty, "set up the terminal");
    s.fd = context.tty_socket;
  }
  // After every step that opens a file or receives one (the user's
  // /etc/passwd, the terminal): a small nofile limit would make those fail
  // with EMFILE, since the plan's own fds sit above it. Before seccomp, so
  // a profile that denies prlimit64 still gets its limits.
  plan_rlimits(plan, process.rlimits);
  {
    Step& s = plan.add(Op::DropBounding, "drop capabilities from the bounding set");
    s.x = caps;
    s.kind = last_capability();
  }
  // While we still hold CAP_SYS_ADMIN (a listener filter needs it or
  // no_new_privs), and before the profile, which may deny seccomp(2).
  if (context.bind_notify_socket >= 0) {
    if (const sock_fprog* program = bind_notify_program()) {
      Step& s = plan.add(Op::BindNotify, "hand binds of published ports to the forwarder");
      s.blob = program;
      s.fd = context.bind_notify_socket;
    }
  }
  // Without no_new_privs the filter needs CAP_SYS_ADMIN: install it while
  // we still have it. With it, install it last, so the filter sees fewer of
  // our own calls.
  if (!process.seccomp_bpf.empty() && !process.no_new_privileges) add_seccomp(plan, process.seccomp_bpf);
  {
    Step& s = plan.add(Op::SetUser, "set the user");
    s.kind = context.may_setgroups ? 1 : 0;
  }
  {
    Step& s = plan.add(Op::SetCaps, "set capabilities");
    s.x = caps;
  }
  if (process.no_new_privileges) {
    plan.add(Op::NoNewPrivs, "set no_new_privs");
    if (!process.seccomp_bpf.empty()) add_seccomp(plan, process.seccomp_bpf);
  }
  {
    Step& s = plan.add(Op::Chdir, fmt::format("chdir to {}", cwd));
    s.a = plan.keep(cwd);
  }
  plan.add(Op::CloseFromCloexec, "mark inherited file descriptors close-on-exec");
  {
    const std::string& file = process.args[0];
    Step& s = plan.add(Op::Exec, fmt::format("exec {}", file));
    s.a = plan.keep(file);
    s.argv = plan.keep_array(process.args);
    bool add_home = !env_has(process.env, "HOME");
    s.envp = plan.keep_array(process.env, add_home ? 1 : 0);
    s.kind = add_home ? 1 : 0;
    if (file.find('/') == std::string::npos) {
      std::string path = env_value(process.env, "PATH");
      s.d = plan.keep(path.empty() ? kDefaultPath : path);
    }
  }
}

}  // namespace kayak::runtime::detail
