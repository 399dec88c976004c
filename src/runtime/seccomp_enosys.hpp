// The ENOSYS prefix Docker's runtime puts before a profile's filter: a
// syscall number above the highest one the profile names (for the caller's
// arch) is answered ENOSYS instead of the default action, so that a syscall
// newer than the profile looks absent (libc then falls back to an older
// one) rather than forbidden. Classic BPF, built here with a tiny
// label-resolving assembler.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace kayak::runtime {

// The highest syscall number the profile names for one AUDIT_ARCH_* value.
// x86_64 and x32 share AUDIT_ARCH_X86_64 (x32 numbers carry bit 30), so one
// entry holds both limits.
struct SyscallLimit {
  uint32_t audit_arch = 0;
  std::optional<uint32_t> max;      // the arch's own numbers (x86_64 for AUDIT_ARCH_X86_64)
  std::optional<uint32_t> max_x32;  // x32 numbers, bit 30 included
};

// The prefix program; control falls through to the instruction right after
// it (where the profile's own filter goes) unless ENOSYS is returned.
std::vector<sock_filter> enosys_stub(const std::vector<SyscallLimit>& limits);

}  // namespace kayak::runtime
