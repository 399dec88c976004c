// Rules shared by the -v and --mount parsers (Docker's daemon-side checks).
#pragma once

#include "kayak/store/container.hpp"

#include <string>
#include <string_view>

namespace kayak::commands {

bool is_propagation(std::string_view word);  // shared, rslave, ...
bool is_consistency(std::string_view word);  // consistent, cached, delegated (accepted, no effect)

[[noreturn]] void config_error(const store::MountSpec& mount, std::string_view why);

// "./dir" and "." are relative to the caller's directory (Docker's CLI
// resolves them); anything else not absolute is a volume name.
std::string resolve_dot_source(const std::string& source);

// Docker's validateMountConfig, without the bind source existence check
// (parse_mount_flags does that, for --mount only). volume_options and
// bind_options: whether volume-only (nocopy) or bind-only (propagation)
// options were given.
void validate_mount(const store::MountSpec& mount, bool volume_options, bool bind_options);

}  // namespace kayak::commands
