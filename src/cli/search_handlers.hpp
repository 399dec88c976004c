// Handlers of the search command (rows in table_search.cpp).
#pragma once

#include "kayak/cli/invocation.hpp"

namespace kayak::cli {

int handle_search(Invocation& inv);

}  // namespace kayak::cli
