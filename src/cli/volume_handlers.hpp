// Handlers of the volume command group (rows in table_volume.cpp).
#pragma once

#include "kayak/cli/invocation.hpp"

namespace kayak::cli {

int handle_volume_create(Invocation& inv);
int handle_volume_ls(Invocation& inv);
int handle_volume_inspect(Invocation& inv);
int handle_volume_rm(Invocation& inv);
int handle_volume_prune(Invocation& inv);

}  // namespace kayak::cli
