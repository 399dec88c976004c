// How batch verbs (stop a b c) report: one line on stdout per success, one
// "Error: ..." on stderr per failure, the others still done.
#pragma once

#include "kayak/commands/container_signal.hpp"

#include <vector>

namespace kayak::cli {

// The exit code of a batch so far (0: no failure) after one more failed
// item: the smallest code wins, as podman's rm and rmi say 1 when any was
// missing, else 2 when any was in use, else 125.
int add_failure(int status, int item_code);

// Prints every item; returns 0 or the batch's exit code (add_failure; 125
// for an item that names none).
int print_items(const std::vector<commands::ContainerItem>& items);

}  // namespace kayak::cli
