// Handlers of the registry command group (rows in table_registry.cpp).
#pragma once

#include "kayak/cli/invocation.hpp"

namespace kayak::cli {

int handle_login(Invocation& inv);
int handle_logout(Invocation& inv);

}  // namespace kayak::cli
