// Handlers of the container rows (table_container.cpp).
#pragma once

#include "kayak/cli/invocation.hpp"

namespace kayak::cli {

int handle_container_create(Invocation& inv);
int handle_container_ls(Invocation& inv);
int handle_container_inspect(Invocation& inv);
int handle_container_rm(Invocation& inv);
int handle_container_rename(Invocation& inv);
int handle_container_port(Invocation& inv);
int handle_container_kill(Invocation& inv);
int handle_container_stop(Invocation& inv);
int handle_container_wait(Invocation& inv);

}  // namespace kayak::cli
