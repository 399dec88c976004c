// The flags `create` and `run` share, in one place so both rows stay the
// same: the run row takes run_create_flags() and adds its own (-d,
// --detach-keys, --sig-proxy, ...).
#pragma once

#include "kayak/cli/command_table.hpp"
#include "kayak/cli/invocation.hpp"
#include "kayak/commands/container_create.hpp"

#include <vector>

namespace kayak::cli {

// Sorted by name, as Docker's help lists them.
std::vector<Flag> run_create_flags();

// The options struct from an invocation of a row built with
// run_create_flags(): IMAGE is args[0], the command the rest. Reads -d
// when the row declares it.
commands::CreateOptions create_options_from(const Invocation& inv);

}  // namespace kayak::cli
