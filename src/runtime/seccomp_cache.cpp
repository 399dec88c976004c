// Compiled filters on disk, so that starting a container reads one small
// file instead of compiling ~400 rules (DESIGN "the hot path").
//
// File: <cache_dir>/<key>.bpf = header + program. The header carries the
// instruction count and the program's sha256, so a truncated or corrupted
// file is detected and recompiled; it is never handed to the launcher.
#include "kayak/runtime/seccomp.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/sha256.hpp"

#include "kayak_config.h"

#include <linux/filter.h>
#include <seccomp.h>
#include <sys/utsname.h>

#include <cstring>

namespace kayak::runtime {
namespace {

// Bump when the compiler's output for the same inputs changes (ENOSYS
// stub, rule translation), so old cache files are not reused.
constexpr int kCompilerRevision = 2;

constexpr char kMagic[8] = {'K', 'A', 'Y', 'A', 'K', 'B', 'P', 'F'};
constexpr size_t kDigestSize = 64;  // hex
constexpr size_t kHeaderSize = sizeof(kMagic) + sizeof(uint32_t) + kDigestSize;

// The default profile's identity: a walk over the table (cheaper than
// printing it as JSON on every start), so editing the table changes keys.
void hash_profile(Sha256& h, const SeccompProfile& p) {
  auto put = [&h](std::string_view s) {
    h.update(s);
    h.update("\0", 1);
  };
  auto num = [&put](uint64_t n) { put(std::to_string(n)); };
  auto list = [&](const std::vector<std::string>& items) {
    num(items.size());
    for (const auto& s : items) put(s);
  };
  auto condition = [&](const SeccompCondition& c) {
    list(c.caps);
    list(c.arches);
    num(c.min_kernel ? c.min_kernel->major * 1000 + c.min_kernel->minor + 1 : 0);
  };
  num(static_cast<uint64_t>(p.default_action));
  num(p.default_errno.value_or(~0u));
  list(p.architectures);
  num(p.arch_map.size());
  for (const auto& a : p.arch_map) {
    put(a.arch);
    list(a.sub_arches);
  }
  list(p.flags);
  num(p.syscalls.size());
  for (const auto& r : p.syscalls) {
    list(r.names);
    num(static_cast<uint64_t>(r.action));
    num(r.errno_ret.value_or(~0u));
    num(r.args.size());
    for (const auto& a : r.args) {
      num(a.index);
      num(a.value);
      num(a.value_two);
      num(static_cast<uint64_t>(a.op));
    }
    condition(r.includes);
    condition(r.excludes);
  }
}

const std::string& default_profile_identity() {
  static const std::string identity = [] {
    Sha256 h;
    hash_profile(h, default_seccomp_profile());
    return "builtin:" + h.hex();
  }();
  return identity;
}

std::string cache_key(std::string_view profile_text, const std::vector<int>& caps) {
  Sha256 h;
  auto put = [&h](std::string_view s) {
    h.update(s);
    h.update("\n", 1);
  };
  put(fmt::format("kayak seccomp cache {} {}", KAYAK_VERSION, kCompilerRevision));
  if (profile_text.empty()) {
    put(default_profile_identity());
  } else {
    put(fmt::format("json:{}", profile_text.size()));
    h.update(profile_text);
  }
  std::string cap_list = "caps:";
  for (int cap : caps) cap_list += fmt::format("{},", cap);
  put(cap_list);
  const scmp_version* v = seccomp_version();
  put(fmt::format("libseccomp:{}.{}.{}", v->major, v->minor, v->micro));
  struct utsname uts {};
  ::uname(&uts);
  put(fmt::format("kernel:{} {}", uts.release, uts.version));
  put(fmt::format("arch:{:x} {}", seccomp_arch_native(), uts.machine));
  return h.hex();
}

std::string encode(std::string_view program) {
  std::string out(kMagic, sizeof(kMagic));
  uint32_t count = static_cast<uint32_t>(seccomp_program_length(program));
  out.append(reinterpret_cast<const char*>(&count), sizeof(count));
  out += sha256_hex(program);
  out += program;
  return out;
}

// The program in a cache file, or nullopt when the file is not one we
// wrote whole.
std::optional<std::string> decode(std::string_view file) {
  if (file.size() < kHeaderSize || std::memcmp(file.data(), kMagic, sizeof(kMagic)) != 0) return std::nullopt;
  uint32_t count = 0;
  std::memcpy(&count, file.data() + sizeof(kMagic), sizeof(count));
  std::string_view digest = file.substr(sizeof(kMagic) + sizeof(count), kDigestSize);
  std::string_view program = file.substr(kHeaderSize);
  if (count == 0 || count > BPF_MAXINSNS || program.size() != count * sizeof(sock_filter)) return std::nullopt;
  if (sha256_hex(program) != digest) return std::nullopt;
  return std::string(program);
}

}  // namespace

std::string compile_seccomp_cached(std::string_view profile_text, const std::vector<int>& caps,
                                   const std::string& cache_dir, std::string_view source) {
  const std::string path = fs::join(cache_dir, cache_key(profile_text, caps) + ".bpf");
  std::string file;
  if (fs::read_file_if_exists(path, file)) {
    if (auto program = decode(file)) return *program;
    log::debug("seccomp cache {} is damaged; recompiling", path);
  }

  std::string program = profile_text.empty()
                          ? compile_seccomp(default_seccomp_profile(), caps)
                          : compile_seccomp(parse_seccomp_profile(profile_text, source), caps);
  try {
    fs::mkdir_p(cache_dir, 0700);
    fs::write_file_atomic(path, encode(program), 0600);
  } catch (const Error& e) {
    // A cache we cannot write costs a compile per start, nothing more.
    log::warn("cannot cache the compiled seccomp filter: {}", e.what());
  }
  return program;
}

}  // namespace kayak::runtime
