// Handlers of the commands that run containers (table_run.cpp).
#pragma once

#include "kayak/cli/invocation.hpp"

#include <string>

namespace kayak::cli {

int handle_run(Invocation& inv);
int handle_start(Invocation& inv);
int handle_attach(Invocation& inv);
int handle_restart(Invocation& inv);
int handle_logs(Invocation& inv);
int handle_monitor(Invocation& inv);

}  // namespace kayak::cli
