// Command table rows: system commands, version and help.
#include "table_rows.hpp"

#include "kayak/cli/handlers.hpp"

namespace kayak::cli::rows {

std::vector<Command> system_commands() {
  return {
    {
      .names = {"system"},
      .usage = "COMMAND",
      .summary = "Manage kayak",
      .group = true,
    },

    // System.
    {
      .names = {"system info", "info"},
      .usage = "",
      .summary = "Display system-wide information",
      .handler = handle_info,
      .args = no_args(),
      .flags = {format_json_flag()},
    },
    {
      .names = {"version"},
      .usage = "",
      .summary = "Show the kayak version information",
      .handler = handle_version,
      .args = no_args(),
      .flags = {format_json_flag()},
    },
    {
      .names = {"help"},
      .usage = "[COMMAND...]",
      .summary = "Help about any command",
      .handler = handle_help,
      .args = any_args(),
      .arg_complete = {Complete::Commands},
    },
  };
}

}  // namespace kayak::cli::rows
