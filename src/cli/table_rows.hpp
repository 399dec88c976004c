// Rows of the command table, one function per command group, each in its
// own file (table_image.cpp, table_system.cpp, ...). command_table.cpp joins
// them in this order; help lists commands in table order.
#pragma once

#include "kayak/cli/command_table.hpp"

#include <vector>

namespace kayak::cli::rows {

// --format, in the flavours Docker describes per command.
Flag format_table_flag();  // table / table TEMPLATE / json / TEMPLATE
Flag format_json_flag();   // -f: json / TEMPLATE

std::vector<Command> image_commands();
std::vector<Command> run_commands();
std::vector<Command> system_commands();
std::vector<Command> container_commands();
std::vector<Command> commit_commands();  // table_commit.cpp: commit, diff, export, cp
std::vector<Command> volume_commands();
std::vector<Command> process_commands();  // table_process.cpp: pause, unpause, top, stats
std::vector<Command> exec_commands();  // table_exec.cpp
std::vector<Command> registry_commands();  // table_registry.cpp: login, logout
std::vector<Command> search_commands();  // table_search.cpp
std::vector<Command> generate_commands();  // table_generate.cpp: generate systemd

}  // namespace kayak::cli::rows
