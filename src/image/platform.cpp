// Platforms: parsing "--platform"-style strings, this machine's platform,
// and picking an image out of a manifest list.
#include "kayak/image/manifest.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace kayak::image {

namespace {

constexpr std::array<std::string_view, 15> kKnownOs = {
  "aix", "android", "darwin", "dragonfly", "freebsd", "illumos", "ios", "js",
  "linux", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows"};

bool valid_component(std::string_view part) {
  return !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

// "v7" -> 7; -1 when the variant is not of that form.
int variant_number(std::string_view variant) {
  if (variant.size() < 2 || variant[0] != 'v') return -1;
  auto n = str::parse_int(variant.substr(1));
  return n && *n >= 0 && *n < 1000 ? static_cast<int>(*n) : -1;
}

// The variant an architecture implies when none is written, so that
// "linux/arm64" and "linux/arm64/v8" compare equal.
std::string effective_variant(const Platform& p) {
  if (!p.variant.empty()) return p.variant;
  if (p.architecture == "arm64") return "v8";
  if (p.architecture == "amd64") return "v1";
  return "";
}

bool is_attestation(const Descriptor& d) {
  if (d.platform && d.platform->os == "unknown" && d.platform->architecture == "unknown") return true;
  return d.annotations.string_or("vnd.docker.reference.type") == "attestation-manifest";
}

// How well an entry's platform serves `want` (already normalized); 0 when
// it cannot run here. An exact match beats an older compatible variant,
// which beats an entry with some variant when none was asked for.
int match_score(const Platform& want, const std::optional<Platform>& entry) {
  constexpr int kExact = 10000;
  constexpr int kCompatibleBase = 1000;  // plus the variant number: v6 beats v5 on a v7 host
  constexpr int kAnyVariant = 100;
  constexpr int kNoPlatform = 1;
  if (!entry) return kNoPlatform;
  Platform have = normalize_platform(*entry);
  if (have.os != want.os || have.architecture != want.architecture) return 0;
  std::string want_variant = effective_variant(want);
  std::string have_variant = effective_variant(have);
  if (want_variant == have_variant) return kExact;
  if (want.variant.empty()) return kAnyVariant;
  int wanted = variant_number(want_variant);
  int offered = variant_number(have_variant);
  if (wanted >= 0 && offered >= 0 && offered < wanted) return kCompatibleBase + offered;
  return 0;
}

}  // namespace

std::string Platform::str() const {
  std::string out = os + "/" + architecture;
  if (!variant.empty()) out += "/" + variant;
  return out;
}

Platform normalize_platform(Platform p) {
  p.os = str::to_lower(p.os);
  p.architecture = str::to_lower(p.architecture);
  p.variant = str::to_lower(p.variant);
  if (!p.variant.empty() && std::isdigit(static_cast<unsigned char>(p.variant[0]))) p.variant = "v" + p.variant;
  if (p.variant.ends_with(".0")) p.variant.resize(p.variant.size() - 2);
  const std::string& a = p.architecture;
  if (a == "i386" || a == "i486" || a == "i586" || a == "i686" || a == "x86") {
    p.architecture = "386";
  } else if (a == "x86_64" || a == "x86-64") {
    p.architecture = "amd64";
  } else if (a == "aarch64") {
    p.architecture = "arm64";
  } else if (a == "armhf") {
    p.architecture = "arm";
    p.variant = "v7";
  } else if (a == "armel") {
    p.architecture = "arm";
    p.variant = "v6";
  }
  if (p.architecture == "arm" && p.variant.empty()) p.variant = "v7";
  if (p.architecture == "amd64" && p.variant == "v1") p.variant.clear();
  return p;
}

Platform platform_for_machine(std::string_view machine) {
  Platform p;
  p.os = "linux";
  if (machine == "x86_64" || machine == "amd64") {
    p.architecture = "amd64";
  } else if (machine == "aarch64" || machine == "arm64" || machine == "armv8b" || machine == "aarch64_be") {
    p.architecture = "arm64";
    p.variant = "v8";
  } else if (machine == "armv8l" || machine.starts_with("armv7")) {
    // armv8l is a 32-bit userland on a 64-bit core: it runs arm/v7 images.
    p.architecture = "arm";
    p.variant = "v7";
  } else if (machine.starts_with("armv6")) {
    p.architecture = "arm";
    p.variant = "v6";
  } else if (machine.starts_with("armv5")) {
    p.architecture = "arm";
    p.variant = "v5";
  } else if (machine == "i386" || machine == "i486" || machine == "i586" || machine == "i686") {
    p.architecture = "386";
  } else if (machine == "loongarch64") {
    p.architecture = "loong64";
  } else {
    // ppc64le, ppc64, s390x, riscv64, mips64: uname and GOARCH agree.
    p.architecture = std::string(machine);
  }
  return p;
}

Platform host_platform() {
  static const Platform host = [] {
    struct utsname name{};
    if (::uname(&name) != 0) fail_errno("uname");
    return platform_for_machine(name.machine);
  }();
  return host;
}

Platform parse_platform(std::string_view text) {
  std::vector<std::string> parts = str::split(text, '/');
  if (text.empty() || parts.size() > 3) fail("{}: cannot parse platform specifier: invalid argument", json::quote(text));
  for (const auto& part : parts) {
    if (!valid_component(part))
      fail("{} is an invalid component of {}: platform specifier component must match \"^[A-Za-z0-9_.-]+$\": "
           "invalid argument", json::quote(part), json::quote(text));
  }
  Platform p;
  if (parts.size() == 1) {
    std::string word = str::to_lower(parts[0]);
    if (std::find(kKnownOs.begin(), kKnownOs.end(), word) != kKnownOs.end()) {
      Platform host = host_platform();
      p.os = word;
      p.architecture = host.architecture;
      p.variant = host.variant;
    } else {
      p.os = "linux";
      p.architecture = parts[0];
    }
  } else {
    p.os = parts[0];
    p.architecture = parts[1];
    if (parts.size() == 3) p.variant = parts[2];
  }
  return normalize_platform(p);
}

const Descriptor& choose_platform(const Index& index, const Platform& want_in) {
  Platform want = normalize_platform(want_in);
  const Descriptor* best = nullptr;
  int best_score = 0;
  std::vector<std::string> available;
  for (const auto& d : index.manifests) {
    if (is_attestation(d)) continue;
    if (d.platform) {
      std::string shown = d.platform->str();
      if (std::find(available.begin(), available.end(), shown) == available.end()) available.push_back(shown);
    }
    int score = match_score(want, d.platform);
    if (score > best_score) {
      best = &d;
      best_score = score;
    }
  }
  if (!best) {
    fail("no image found in manifest list for architecture {}, variant {}, OS {}; available: {}",
         json::quote(want.architecture), json::quote(want.variant),
         json::quote(want.os), available.empty() ? std::string("none") : str::join(available, ", "));
  }
  return *best;
}

}  // namespace kayak::image
