#include "seccomp_bind_notify.hpp"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

#include <cstddef>

namespace kayak::runtime::detail {

namespace {

#if defined(__x86_64__)
constexpr unsigned kNativeArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr unsigned kNativeArch = AUDIT_ARCH_AARCH64;
#else
constexpr unsigned kNativeArch = 0;
#endif

// Other architectures (i386's socketcall on x86_64) and x32 numbers (bit
// 30 set, so never equal to __NR_bind) go on to the kernel unseen.
sock_filter kProgram[] = {
  BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
  BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kNativeArch, 0, 3),
  BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
  BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bind, 0, 1),
  BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
  BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

sock_fprog kFilter = {sizeof kProgram / sizeof kProgram[0], kProgram};

}  // namespace

const sock_fprog* bind_notify_program() { return kNativeArch != 0 ? &kFilter : nullptr; }

}  // namespace kayak::runtime::detail
