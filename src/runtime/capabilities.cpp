#include "kayak/runtime/capabilities.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <linux/capability.h>
#include <sys/prctl.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace kayak::runtime {
namespace {

// Indexed by capability number (linux/capability.h). Kept here rather than
// asking libcap so that names do not depend on the libcap build's age.
constexpr std::array<std::string_view, 41> kNames = {
  "CAP_CHOWN",            "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
  "CAP_FSETID",           "CAP_KILL",           "CAP_SETGID",          "CAP_SETUID",
  "CAP_SETPCAP",          "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",        "CAP_NET_RAW",        "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",       "CAP_SYS_RAWIO",      "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",        "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",     "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
  "CAP_LEASE",            "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE",     "CAP_MAC_ADMIN",      "CAP_SYSLOG",          "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",    "CAP_AUDIT_READ",     "CAP_PERFMON",         "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
};
static_assert(CAP_CHECKPOINT_RESTORE == 40 && CAP_SYS_ADMIN == 21 && CAP_BPF == 39);

constexpr std::string_view kAll = "ALL";

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// "net_admin" -> "CAP_NET_ADMIN"; "all" -> "ALL".
std::string normalise(std::string_view word) {
  std::string name = upper(word);
  if (name == kAll) return name;
  if (!name.starts_with("CAP_")) name = "CAP_" + name;
  return name;
}

std::optional<int> table_number(std::string_view canonical) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == canonical) return static_cast<int>(i);
  }
  return std::nullopt;
}

bool contains(const std::vector<int>& set, int cap) {
  return std::find(set.begin(), set.end(), cap) != set.end();
}

bool contains_all(const std::vector<std::string>& names) {
  return std::find(names.begin(), names.end(), kAll) != names.end();
}

// Numbers for canonical names (ALL skipped).
std::vector<int> numbers_of(const std::vector<std::string>& canonical) {
  std::vector<int> out;
  for (const auto& name : canonical) {
    if (name == kAll) continue;
    out.push_back(*capability_number(name));
  }
  return out;
}

}  // namespace

int last_capability() {
  static const int last = [] {
    std::string text;
    if (fs::read_file_if_exists("/proc/sys/kernel/cap_last_cap", text)) {
      if (auto n = str::parse_int(str::trim(text)); n && *n >= 0 && *n < 64) {
        return static_cast<int>(*n);
      }
    }
    return static_cast<int>(kNames.size()) - 1;
  }();
  return last;
}

std::string capability_name(int cap) {
  if (cap >= 0 && static_cast<size_t>(cap) < kNames.size()) return std::string(kNames[cap]);
  return fmt::format("CAP_{}", cap);
}

std::optional<int> capability_number(std::string_view name) {
  std::string canonical = normalise(name);
  auto number = table_number(canonical);
  if (!number || *number > last_capability()) return std::nullopt;
  return number;
}

std::vector<int> all_capabilities() {
  std::vector<int> out;
  for (int cap = 0; cap <= last_capability(); ++cap) out.push_back(cap);
  return out;
}

std::vector<int> available_capabilities() {
  std::vector<int> out;
  for (int cap = 0; cap <= last_capability(); ++cap) {
    // 1: in our bounding set; 0: dropped; -1 (EINVAL): unknown to the kernel.
    if (::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1) out.push_back(cap);
  }
  return out;
}

const std::vector<int>& default_capabilities() {
  static const std::vector<int> defaults = [] {
    std::vector<int> caps = {CAP_CHOWN,  CAP_DAC_OVERRIDE, CAP_FSETID,     CAP_FOWNER,
                             CAP_MKNOD,  CAP_NET_RAW,      CAP_SETGID,     CAP_SETUID,
                             CAP_SETFCAP, CAP_SETPCAP,     CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
                             CAP_KILL,   CAP_AUDIT_WRITE};
    std::sort(caps.begin(), caps.end());
    return caps;
  }();
  return defaults;
}

std::vector<std::string> canonical_capability_names(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& word : names) {
    std::string name = normalise(word);
    // Docker quotes with Go's %q; capability words are plain ASCII in
    // practice, so a JSON-style quote gives the same text.
    if (name != kAll && !capability_number(name)) fail("unknown capability: \"{}\"", name);
    out.push_back(std::move(name));
  }
  return out;
}

std::vector<int> effective_capabilities(const std::vector<std::string>& cap_add,
                                        const std::vector<std::string>& cap_drop, bool privileged) {
  return effective_capabilities(cap_add, cap_drop, privileged, available_capabilities());
}

std::vector<int> effective_capabilities(const std::vector<std::string>& cap_add,
                                        const std::vector<std::string>& cap_drop, bool privileged,
                                        const std::vector<int>& available) {
  if (privileged) return available;
  // Docker validates drops before adds, so with two bad names the drop's
  // error is the one shown.
  auto drop_names = canonical_capability_names(cap_drop);
  auto add_names = canonical_capability_names(cap_add);
  auto drops = numbers_of(drop_names);
  auto adds = numbers_of(add_names);
  for (int cap : adds) {
    if (!contains(available, cap)) {
      fail("capability not supported by your kernel or not available in the current environment: \"{}\"",
           capability_name(cap));
    }
  }

  std::vector<int> caps;
  if (contains_all(add_names)) {
    for (int cap : available) {
      if (!contains(drops, cap)) caps.push_back(cap);
    }
  } else if (contains_all(drop_names)) {
    caps = adds;
  } else {
    for (int cap : default_capabilities()) {
      if (!contains(drops, cap) && contains(available, cap)) caps.push_back(cap);
    }
    caps.insert(caps.end(), adds.begin(), adds.end());
  }
  std::sort(caps.begin(), caps.end());
  caps.erase(std::unique(caps.begin(), caps.end()), caps.end());
  return caps;
}

std::vector<std::string> capability_names(const std::vector<int>& caps) {
  std::vector<std::string> out;
  out.reserve(caps.size());
  for (int cap : caps) out.push_back(capability_name(cap));
  return out;
}

}  // namespace kayak::runtime
