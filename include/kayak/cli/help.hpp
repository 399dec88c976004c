// Help text in Docker's layout, rendered from the command table.
#pragma once

#include "kayak/cli/command_table.hpp"

#include <span>
#include <string>
#include <string_view>

namespace kayak::cli {

// "Usage:  kayak image ls [OPTIONS] [REPOSITORY[:TAG]]"
std::string usage_line(const Command& command, std::string_view invoked_path);
// Help for a leaf command: usage, summary, aliases, options.
std::string command_help(const Command& command, std::string_view invoked_path);
// Help for a group: usage, summary, its subcommands.
std::string group_help(CommandTable table, const Command& group, std::string_view invoked_path);
// `kayak --help`: groups, commands, global options.
std::string root_help(CommandTable table);
// Picks one of the above; nullptr means the top level.
std::string help_for(CommandTable table, const Command* command, std::string_view invoked_path);

// The Options block: one line per visible flag, descriptions aligned as
// cobra aligns them (three spaces after the longest flag column).
std::string flag_usages(std::span<const Flag> flags);

}  // namespace kayak::cli
