#include "seccomp_enosys.hpp"

#include "kayak/util/error.hpp"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>

#include <cerrno>

namespace kayak::runtime {
namespace {

constexpr uint32_t kX32Bit = 0x40000000;

// Instructions with symbolic jump targets, resolved by finish(). Classic
// BPF jumps only forward; conditional offsets are 8 bits, which the stub
// (a few instructions per arch) never exceeds — finish() checks.
class Assembler {
public:
  static constexpr int kNext = -1;  // fall through

  int label() {
    positions_.push_back(-1);
    return static_cast<int>(positions_.size()) - 1;
  }
  void bind(int label) { positions_[label] = static_cast<int>(code_.size()); }

  void load_word(uint32_t offset) { emit(BPF_LD | BPF_W | BPF_ABS, offset, kNext, kNext, kNext); }
  void jump_if(uint16_t op, uint32_t k, int if_true, int if_false = kNext) {
    emit(BPF_JMP | op | BPF_K, k, if_true, if_false, kNext);
  }
  void jump(int target) { emit(BPF_JMP | BPF_JA, 0, kNext, kNext, target); }
  void ret(uint32_t k) { emit(BPF_RET | BPF_K, k, kNext, kNext, kNext); }

  std::vector<sock_filter> finish() {
    std::vector<sock_filter> out;
    for (size_t i = 0; i < code_.size(); ++i) {
      const auto& p = code_[i];
      sock_filter f{p.code, 0, 0, p.k};
      f.jt = static_cast<uint8_t>(offset(i, p.jt, 255));
      f.jf = static_cast<uint8_t>(offset(i, p.jf, 255));
      if (p.ja != kNext) f.k = offset(i, p.ja, UINT32_MAX);
      out.push_back(f);
    }
    return out;
  }

private:
  struct Pending {
    uint16_t code;
    uint32_t k;
    int jt, jf, ja;
  };

  void emit(uint16_t code, uint32_t k, int jt, int jf, int ja) { code_.push_back({code, k, jt, jf, ja}); }

  uint32_t offset(size_t from, int label, uint32_t limit) const {
    if (label == kNext) return 0;
    int target = positions_.at(label);
    long delta = static_cast<long>(target) - static_cast<long>(from) - 1;
    if (target < 0 || delta < 0 || static_cast<unsigned long>(delta) > limit) {
      fail("seccomp: internal error: bad jump in the ENOSYS stub");
    }
    return static_cast<uint32_t>(delta);
  }

  std::vector<Pending> code_;
  std::vector<int> positions_;
};

}  // namespace

std::vector<sock_filter> enosys_stub(const std::vector<SyscallLimit>& limits) {
  Assembler a;
  const int filter = a.label();
  const int enosys = a.label();
  std::vector<int> sections;

  a.load_word(offsetof(seccomp_data, arch));
  for (const auto& limit : limits) {
    sections.push_back(a.label());
    a.jump_if(BPF_JEQ, limit.audit_arch, sections.back());
  }
  a.jump(filter);  // an arch without limits: straight to the filter

  for (size_t i = 0; i < limits.size(); ++i) {
    const auto& limit = limits[i];
    a.bind(sections[i]);
    a.load_word(offsetof(seccomp_data, nr));
    if (limit.audit_arch == AUDIT_ARCH_S390 || limit.audit_arch == AUDIT_ARCH_S390X) {
      // s390 multiplexes large syscall numbers through syscall 0; an
      // unknown one arrives as 0 and must look absent too.
      a.jump_if(BPF_JEQ, 0, enosys);
    }
    if (limit.audit_arch == AUDIT_ARCH_X86_64) {
      // Bit 30 tells x32 numbers from x86_64 ones.
      const int x32 = a.label();
      a.jump_if(BPF_JSET, kX32Bit, limit.max_x32 ? x32 : filter);
      if (limit.max) {
        a.jump_if(BPF_JGT, *limit.max, enosys);
      }
      a.jump(filter);
      a.bind(x32);
      if (limit.max_x32) {
        a.jump_if(BPF_JGT, *limit.max_x32, enosys);
        a.jump(filter);
      }
    } else if (limit.max) {
      a.jump_if(BPF_JGT, *limit.max, enosys);
      a.jump(filter);
    } else {
      a.jump(filter);
    }
  }
  a.bind(enosys);
  a.ret(SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
  a.bind(filter);
  return a.finish();
}

}  // namespace kayak::runtime
