// Handlers of `kayak completion` and the hidden `kayak __complete`.
#pragma once

#include "kayak/cli/invocation.hpp"

namespace kayak::cli {

int handle_completion(Invocation& inv);
int handle_complete(Invocation& inv);

}  // namespace kayak::cli
