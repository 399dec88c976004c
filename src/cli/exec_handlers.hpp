// Handler of exec (table_exec.cpp).
#pragma once

#include "kayak/cli/invocation.hpp"

namespace kayak::cli {

int handle_exec(Invocation& inv);

}  // namespace kayak::cli
