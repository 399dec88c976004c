// Handler of the push command (rows in table_push.cpp).
#pragma once

#include "kayak/cli/invocation.hpp"

namespace kayak::cli {

int handle_push(Invocation& inv);

}  // namespace kayak::cli
