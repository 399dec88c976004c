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

// The containers group's `create`, as a function: reads the shared
// run/create flags and IMAGE [COMMAND [ARG...]], records the container and
// returns its full ID. `run` calls it, then starts the container.
// TODO(lead): defined by the containers branch (its create code path).
std::string create_container_for_run(Invocation& inv);

}  // namespace kayak::cli
