// Handlers of the generate group (table_generate.cpp).
#pragma once

namespace kayak::cli {

class Invocation;

int handle_generate_systemd(Invocation& inv);

}  // namespace kayak::cli
