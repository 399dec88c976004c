// Architecture names: libseccomp tokens, the JSON spelling
// ("SCMP_ARCH_X86_64") and Docker's Go-style names used in
// includes/excludes ("amd64").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kayak::runtime::seccomp_arch {

// libseccomp token for "SCMP_ARCH_X86_64" (or "x86_64"); 0 when unknown.
uint32_t token_of(std::string_view name);
// Docker's name for a token: "amd64", "x86", "x32", "arm64", "arm", ...;
// empty when we have none.
std::string go_name(uint32_t token);
// "SCMP_ARCH_X86_64" for the token.
std::string json_name(uint32_t token);

}  // namespace kayak::runtime::seccomp_arch
