// Handlers of pause, unpause, top, stats (rows in table_process.cpp).
#pragma once

#include "kayak/cli/invocation.hpp"

namespace kayak::cli {

int handle_container_pause(Invocation& inv);
int handle_container_unpause(Invocation& inv);
int handle_container_top(Invocation& inv);
int handle_container_stats(Invocation& inv);

}  // namespace kayak::cli
