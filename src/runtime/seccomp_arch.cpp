#include "seccomp_arch.hpp"

#include "kayak/util/strings.hpp"

#include <seccomp.h>

#include <array>
#include <cctype>
#include <fmt/format.h>
#include <utility>

namespace kayak::runtime::seccomp_arch {
namespace {

// Docker's mapping from libseccomp's arch names to Go's GOARCH names.
constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kGoNames = {{
  {"x86", "x86"},          {"x86_64", "amd64"},     {"x32", "x32"},
  {"arm", "arm"},          {"aarch64", "arm64"},    {"mips", "mips"},
  {"mips64", "mips64"},    {"mips64n32", "mips64n32"}, {"mipsel", "mipsle"},
  {"mipsel64", "mipsel64"}, {"ppc64le", "ppc64le"}, {"ppc64", "ppc64"},
  {"s390", "s390"},        {"s390x", "s390x"},      {"riscv64", "riscv64"},
  {"loongarch64", "loong64"},
}};

std::string libseccomp_name(uint32_t token) {
  // seccomp_arch_resolve_name's inverse is not public in 2.5; ask by trying
  // the names we know.
  for (const auto& [name, go] : kGoNames) {
    if (seccomp_arch_resolve_name(std::string(name).c_str()) == token) return std::string(name);
  }
  return {};
}

}  // namespace

uint32_t token_of(std::string_view name) {
  std::string lower = str::to_lower(name);
  if (lower.starts_with("scmp_arch_")) lower.erase(0, 10);
  return seccomp_arch_resolve_name(lower.c_str());
}

std::string go_name(uint32_t token) {
  std::string name = libseccomp_name(token);
  for (const auto& [seccomp, go] : kGoNames) {
    if (seccomp == name) return std::string(go);
  }
  return {};
}

std::string json_name(uint32_t token) {
  std::string name = libseccomp_name(token);
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name.empty() ? fmt::format("0x{:x}", token) : "SCMP_ARCH_" + name;
}

}  // namespace kayak::runtime::seccomp_arch
