// Command table rows: the volume group.
#include "table_rows.hpp"

#include "volume_handlers.hpp"

namespace kayak::cli::rows {

std::vector<Command> volume_commands() {
  return {
    {
      .names = {"volume"},
      .usage = "COMMAND",
      .summary = "Manage volumes",
      .group = true,
    },
    {
      .names = {"volume create"},
      .usage = "[VOLUME]",
      .summary = "Create a volume",
      .handler = handle_volume_create,
      .args = at_most(1),
      .flags = {
        {.name = "driver", .shorthand = 'd', .type = FlagType::String,
         .description = "Specify volume driver name", .default_value = "local"},
        {.name = "label", .type = FlagType::StringList,
         .description = "Set metadata for a volume", .value_name = "list"},
        {.name = "ignore", .description = "Don't fail if the volume already exists"},
        {.name = "opt", .shorthand = 'o', .type = FlagType::StringList,
         .description = "Set driver specific options", .value_name = "map"},
      },
    },
    {
      .names = {"volume ls", "volume list"},
      .usage = "",
      .summary = "List volumes",
      .handler = handle_volume_ls,
      .args = no_args(),
      .flags = {
        {.name = "filter", .shorthand = 'f', .type = FlagType::StringList,
         .description = "Provide filter values (e.g. \"dangling=true\")\n"
                        "(name=REGEX, label=KEY[=VALUE], dangling=true|false, driver=NAME)",
         .value_name = "filter"},
        format_table_flag(),
        {.name = "quiet", .shorthand = 'q', .description = "Only display volume names"},
      },
    },
    {
      .names = {"volume inspect"},
      .usage = "VOLUME [VOLUME...]",
      .summary = "Display detailed information on one or more volumes",
      .handler = handle_volume_inspect,
      .args = at_least(1),
      .flags = {format_json_flag()},
      .arg_complete = {Complete::Volumes},
    },
    {
      .names = {"volume rm", "volume remove"},
      .usage = "VOLUME [VOLUME...]",
      .summary = "Remove one or more volumes",
      .handler = handle_volume_rm,
      .args = at_least(1),
      .flags = {
        {.name = "force", .shorthand = 'f', .description = "Force the removal of one or more volumes"},
      },
      .description = "You cannot remove a volume that is in use by a container.",
      .arg_complete = {Complete::Volumes},
    },
    {
      .names = {"volume prune"},
      .usage = "",
      .summary = "Remove unused local volumes",
      .handler = handle_volume_prune,
      .args = no_args(),
      .flags = {
        {.name = "all", .shorthand = 'a', .description = "Remove all unused volumes, not just anonymous ones"},
        {.name = "filter", .type = FlagType::StringList,
         .description = "Provide filter values (e.g. \"label=<label>\")", .value_name = "filter"},
        {.name = "force", .shorthand = 'f', .description = "Do not prompt for confirmation"},
      },
    },
  };
}

}  // namespace kayak::cli::rows
