// Docker's defaults for an unprivileged container: the paths it hides or
// makes read-only under /proc and /sys. Its 14 default capabilities are
// default_capabilities() in capabilities.hpp (included here for callers
// that want all of Docker's defaults from one header).
#pragma once

#include "kayak/runtime/capabilities.hpp"

#include <string>
#include <vector>

namespace kayak::runtime {

// Hidden: a file is covered by /dev/null, a directory by an empty read-only
// tmpfs. Paths missing on this kernel are skipped.
std::vector<std::string> default_masked_paths();
// Bound onto themselves read-only.
std::vector<std::string> default_readonly_paths();

}  // namespace kayak::runtime
