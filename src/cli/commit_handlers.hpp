// Handlers of the commands that read a container's file system (rows in
// table_commit.cpp).
#pragma once

#include "kayak/cli/invocation.hpp"

namespace kayak::cli {

int handle_container_commit(Invocation& inv);
int handle_container_diff(Invocation& inv);
int handle_container_export(Invocation& inv);
int handle_container_cp(Invocation& inv);

}  // namespace kayak::cli
