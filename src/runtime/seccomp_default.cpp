// Docker's default seccomp profile as our own table. It mirrors what moby's
// profiles/seccomp default profile allows and denies (read from its source
// to match behaviour); the comments say why a rule exists.
//
// Why a C++ table rather than an embedded JSON document: the table is
// checked by the compiler (actions, ops and capability constants are typed,
// a typo cannot become a runtime parse error in every container start), it
// reads as one line per rule, and it still goes through the same
// SeccompProfile type and compiler as a user's JSON profile.
// seccomp_profile_json() prints it in Docker's format for comparison.
#include "kayak/runtime/seccomp.hpp"

#include "kayak/util/strings.hpp"

#include <sched.h>
#include <sys/socket.h>

#include <cerrno>

namespace kayak::runtime {
namespace {

// Syscalls every container may make. Names unknown to this libseccomp (or
// absent on this arch) are skipped when compiling, so newer ones are listed
// ahead of time.
constexpr const char* kAllowed =
    "accept accept4 access adjtimex alarm "
    "bind brk "
    "cachestat capget capset chdir chmod chown chown32 clock_adjtime clock_adjtime64 "
    "clock_getres clock_getres_time64 clock_gettime clock_gettime64 clock_nanosleep "
    "clock_nanosleep_time64 close close_range connect copy_file_range creat "
    "dup dup2 dup3 "
    "epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait "
    "epoll_wait_old eventfd eventfd2 execve execveat exit exit_group "
    "faccessat faccessat2 fadvise64 fadvise64_64 fallocate fanotify_mark fchdir fchmod fchmodat "
    "fchmodat2 fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr flock fork "
    "fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate "
    "ftruncate64 futex futex_requeue futex_time64 futex_wait futex_waitv futex_wake futimesat "
    "getcpu getcwd getdents getdents64 getegid getegid32 geteuid geteuid32 getgid getgid32 "
    "getgroups getgroups32 getitimer getpeername getpgid getpgrp getpid getppid getpriority "
    "getrandom getresgid getresgid32 getresuid getresuid32 getrlimit get_robust_list getrusage "
    "getsid getsockname getsockopt get_thread_area gettid gettimeofday getuid getuid32 getxattr "
    "getxattrat "
    "inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel ioctl io_destroy "
    "io_getevents io_pgetevents io_pgetevents_time64 ioprio_get ioprio_set io_setup io_submit "
    "ipc "
    "kill "
    "landlock_add_rule landlock_create_ruleset landlock_restrict_self lchown lchown32 lgetxattr "
    "link linkat listen listmount listxattr listxattrat llistxattr _llseek lremovexattr lseek "
    "lsetxattr lstat lstat64 "
    "madvise map_shadow_stack membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod "
    "mknodat mlock mlock2 mlockall mmap mmap2 mprotect mq_getsetattr mq_notify mq_open "
    "mq_timedreceive mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink mremap "
    "mseal msgctl msgget msgrcv msgsnd msync munlock munlockall munmap "
    "name_to_handle_at nanosleep newfstatat _newselect "
    "open openat openat2 "
    "pause pidfd_open pidfd_send_signal pipe pipe2 pkey_alloc pkey_free pkey_mprotect poll "
    "ppoll ppoll_time64 prctl pread64 preadv preadv2 prlimit64 process_mrelease pselect6 "
    "pselect6_time64 pwrite64 pwritev pwritev2 "
    "read readahead readlink readlinkat readv recv recvfrom recvmmsg recvmmsg_time64 recvmsg "
    "remap_file_pages removexattr removexattrat rename renameat renameat2 restart_syscall "
    "riscv_hwprobe rmdir rseq rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo "
    "rt_sigreturn rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo "
    "sched_getaffinity sched_getattr sched_getparam sched_get_priority_max "
    "sched_get_priority_min sched_getscheduler sched_rr_get_interval "
    "sched_rr_get_interval_time64 sched_setaffinity sched_setattr sched_setparam "
    "sched_setscheduler sched_yield seccomp select semctl semget semop semtimedop "
    "semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto setfsgid setfsgid32 "
    "setfsuid setfsuid32 setgid setgid32 setgroups setgroups32 setitimer setpgid setpriority "
    "setregid setregid32 setresgid setresgid32 setresuid setresuid32 setreuid setreuid32 "
    "setrlimit set_robust_list setsid setsockopt set_thread_area set_tid_address setuid "
    "setuid32 setxattr setxattrat shmat shmctl shmdt shmget shutdown sigaltstack signalfd "
    "signalfd4 sigprocmask sigreturn socketcall socketpair splice stat stat64 statfs statfs64 "
    "statmount statx symlink symlinkat sync sync_file_range syncfs sysinfo "
    "tee tgkill time timer_create timer_delete timer_getoverrun timer_gettime timer_gettime64 "
    "timer_settime timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64 "
    "timerfd_settime timerfd_settime64 times tkill truncate truncate64 "
    "ugetrlimit umask uname unlink unlinkat uretprobe utime utimensat utimensat_time64 utimes "
    "vfork vmsplice "
    "wait4 waitid waitpid write writev ";

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  for (auto& word : str::split(text, ' ')) {
    if (!word.empty()) out.push_back(word);
  }
  return out;
}

SeccompRule allow(std::vector<std::string> names) {
  SeccompRule rule;
  rule.names = std::move(names);
  rule.action = SeccompAction::Allow;
  return rule;
}

// Allowed only when the container holds `cap` (in its bounding set).
SeccompRule allow_with(std::string cap, std::vector<std::string> names) {
  SeccompRule rule = allow(std::move(names));
  rule.includes.caps = {std::move(cap)};
  return rule;
}

SeccompRule allow_on(std::vector<std::string> arches, std::vector<std::string> names) {
  SeccompRule rule = allow(std::move(names));
  rule.includes.arches = std::move(arches);
  return rule;
}

SeccompRule allow_if(std::string name, SeccompArg arg) {
  SeccompRule rule = allow({std::move(name)});
  rule.args = {arg};
  return rule;
}

constexpr uint64_t kNamespaceFlags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |
                                     CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP;

// The socket rules below let every family through except the two between
// and at these numbers.
static_assert(AF_ALG == 38 && AF_VSOCK == 40, "socket family numbers the rules rely on");

SeccompProfile build() {
  SeccompProfile p;
  p.default_action = SeccompAction::Errno;
  p.default_errno = EPERM;
  p.arch_map = {
    {"SCMP_ARCH_X86_64", {"SCMP_ARCH_X86", "SCMP_ARCH_X32"}},
    {"SCMP_ARCH_AARCH64", {"SCMP_ARCH_ARM"}},
    {"SCMP_ARCH_MIPS64", {"SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64N32"}},
    {"SCMP_ARCH_MIPS64N32", {"SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64"}},
    {"SCMP_ARCH_MIPSEL64", {"SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64N32"}},
    {"SCMP_ARCH_MIPSEL64N32", {"SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64"}},
    {"SCMP_ARCH_S390X", {"SCMP_ARCH_S390"}},
    {"SCMP_ARCH_RISCV64", {}},
    {"SCMP_ARCH_LOONGARCH64", {}},
  };

  auto& r = p.syscalls;
  r.push_back(allow(words(kAllowed)));

  // Tracing another process: fine on kernels where ptrace cannot bypass
  // seccomp (4.8+).
  {
    SeccompRule rule = allow({"process_vm_readv", "process_vm_writev", "ptrace"});
    rule.includes.min_kernel = KernelVersion{4, 8};
    r.push_back(rule);
  }

  // socket(): every family except AF_ALG (kernel crypto API, a frequent
  // source of kernel bugs) and AF_VSOCK (talks to the hypervisor).
  r.push_back(allow_if("socket", {0, AF_ALG, 0, SeccompOp::LessThan}));
  r.push_back(allow_if("socket", {0, AF_ALG + 1, 0, SeccompOp::Equal}));
  r.push_back(allow_if("socket", {0, AF_VSOCK, 0, SeccompOp::GreaterThan}));

  // personality(): only the harmless personas (PER_LINUX, PER_LINUX32,
  // with UNAME26) and the query value 0xffffffff.
  for (uint64_t persona : {0x0ull, 0x0008ull, 0x20000ull, 0x20008ull, 0xffffffffull}) {
    r.push_back(allow_if("personality", {0, persona, 0, SeccompOp::Equal}));
  }

  // Arch-specific syscalls libc needs there.
  r.push_back(allow_on({"ppc64le"}, {"sync_file_range2", "swapcontext"}));
  r.push_back(allow_on({"arm", "arm64"}, {"arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2",
                                          "breakpoint", "cacheflush", "set_tls"}));
  r.push_back(allow_on({"amd64", "x32"}, {"arch_prctl"}));
  r.push_back(allow_on({"amd64", "x32", "x86"}, {"modify_ldt"}));
  r.push_back(allow_on({"s390", "s390x"}, {"s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"}));
  r.push_back(allow_on({"riscv64"}, {"riscv_flush_icache"}));

  // Syscalls whose only use is what a capability grants: allowed when the
  // container holds that capability, denied (EPERM) otherwise.
  r.push_back(allow_with("CAP_DAC_READ_SEARCH", {"open_by_handle_at"}));
  r.push_back(allow_with("CAP_SYS_ADMIN",
                         {"bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen",
                          "fspick", "lookup_dcookie", "lsm_get_self_attr", "lsm_list_modules",
                          "lsm_set_self_attr", "mount", "mount_setattr", "move_mount", "open_tree",
                          "perf_event_open", "quotactl", "quotactl_fd", "setdomainname", "sethostname",
                          "setns", "syslog", "umount", "umount2", "unshare"}));

  // Without CAP_SYS_ADMIN, clone() may create threads and processes but no
  // namespaces (the flags are arg 0, arg 1 on s390).
  {
    SeccompRule rule = allow_if("clone", {0, kNamespaceFlags, 0, SeccompOp::MaskedEqual});
    rule.excludes.caps = {"CAP_SYS_ADMIN"};
    rule.excludes.arches = {"s390", "s390x"};
    r.push_back(rule);
  }
  {
    SeccompRule rule = allow_if("clone", {1, kNamespaceFlags, 0, SeccompOp::MaskedEqual});
    rule.comment = "s390 parameter ordering for clone is different";
    rule.includes.arches = {"s390", "s390x"};
    rule.excludes.caps = {"CAP_SYS_ADMIN"};
    r.push_back(rule);
  }
  // clone3() passes its flags in memory, which seccomp cannot read: say the
  // syscall does not exist, so libc falls back to clone() and the rule above.
  {
    SeccompRule rule;
    rule.names = {"clone3"};
    rule.action = SeccompAction::Errno;
    rule.errno_ret = ENOSYS;
    rule.excludes.caps = {"CAP_SYS_ADMIN"};
    r.push_back(rule);
  }

  r.push_back(allow_with("CAP_SYS_BOOT", {"reboot"}));
  r.push_back(allow_with("CAP_SYS_CHROOT", {"chroot"}));
  r.push_back(allow_with("CAP_SYS_MODULE", {"delete_module", "init_module", "finit_module"}));
  r.push_back(allow_with("CAP_SYS_PACCT", {"acct"}));
  r.push_back(allow_with("CAP_SYS_PTRACE", {"kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv",
                                            "process_vm_writev", "ptrace"}));
  r.push_back(allow_with("CAP_SYS_RAWIO", {"iopl", "ioperm"}));
  r.push_back(allow_with("CAP_SYS_TIME", {"settimeofday", "stime", "clock_settime", "clock_settime64"}));
  r.push_back(allow_with("CAP_SYS_TTY_CONFIG", {"vhangup"}));
  r.push_back(allow_with("CAP_SYS_NICE", {"get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"}));
  r.push_back(allow_with("CAP_SYSLOG", {"syslog"}));
  r.push_back(allow_with("CAP_BPF", {"bpf"}));
  r.push_back(allow_with("CAP_PERFMON", {"perf_event_open"}));
  return p;
}

}  // namespace

const SeccompProfile& default_seccomp_profile() {
  static const SeccompProfile profile = build();
  return profile;
}

}  // namespace kayak::runtime
