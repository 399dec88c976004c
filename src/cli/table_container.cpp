// Command table rows: the container group (records and the commands that
// manage containers without running them) and their top-level aliases.
// run, start, attach and logs rows are added by the monitor's part.
#include "table_rows.hpp"

#include "container_handlers.hpp"
#include "run_flags.hpp"

namespace kayak::cli::rows {

std::vector<Command> container_commands() {
  return {
    {
      .names = {"container"},
      .usage = "COMMAND",
      .summary = "Manage containers",
      .group = true,
    },
    {
      .names = {"container create", "create"},
      .usage = "IMAGE [COMMAND] [ARG...]",
      .summary = "Create a new container",
      .handler = handle_container_create,
      .args = at_least(1),
      .flags = run_create_flags(),
      .flags_before_args_only = true,
    },
    {
      .names = {"container ls", "container list", "container ps", "ps"},
      .usage = "",
      .summary = "List containers",
      .handler = handle_container_ls,
      .args = no_args(),
      .flags = {
        {.name = "all", .shorthand = 'a', .description = "Show all containers (default shows just running)"},
        {.name = "filter", .shorthand = 'f', .type = FlagType::StringList,
         .description = "Filter output based on conditions provided\n"
                        "(status=, name=, id=, ancestor=, label=, exited=)",
         .value_name = "filter"},
        format_table_flag(),
        {.name = "last", .shorthand = 'n', .type = FlagType::String,
         .description = "Show n last created containers (includes all states)", .default_value = "-1",
         .value_name = "int"},
        {.name = "latest", .shorthand = 'l', .description = "Show the latest created container (includes all states)"},
        {.name = "no-trunc", .description = "Don't truncate output"},
        {.name = "quiet", .shorthand = 'q', .description = "Only display container IDs"},
        {.name = "size", .shorthand = 's', .description = "Display total file sizes"},
      },
    },
    {
      .names = {"container inspect"},
      .usage = "CONTAINER [CONTAINER...]",
      .summary = "Display detailed information on one or more containers",
      .handler = handle_container_inspect,
      .args = at_least(1),
      .flags = {
        format_json_flag(),
        {.name = "size", .shorthand = 's', .description = "Display total file sizes"},
      },
    },
    {
      .names = {"container rm", "container remove", "rm"},
      .usage = "CONTAINER [CONTAINER...]",
      .summary = "Remove one or more containers",
      .handler = handle_container_rm,
      .args = any_args(),  // --all takes none; the handler checks the combination
      .flags = {
        {.name = "all", .shorthand = 'a', .description = "Remove all containers"},
        {.name = "cidfile", .type = FlagType::StringList, .description = "Read the container ID from the file",
         .value_name = "stringArray"},
        {.name = "force", .shorthand = 'f', .description = "Force the removal of a running container (uses SIGKILL)"},
        {.name = "ignore", .shorthand = 'i', .description = "Ignore errors when a specified container is missing"},
        {.name = "volumes", .shorthand = 'v', .description = "Remove anonymous volumes associated with the container"},
      },
    },
    {
      .names = {"container rename", "rename"},
      .usage = "CONTAINER NEW_NAME",
      .summary = "Rename a container",
      .handler = handle_container_rename,
      .args = exactly(2),
    },
    {
      .names = {"container port", "port"},
      .usage = "CONTAINER [PRIVATE_PORT[/PROTO]]",
      .summary = "List port mappings or a specific mapping for the container",
      .handler = handle_container_port,
      .args = between(1, 2),
    },
    {
      .names = {"container kill", "kill"},
      .usage = "CONTAINER [CONTAINER...]",
      .summary = "Kill one or more running containers",
      .handler = handle_container_kill,
      .args = at_least(1),
      .flags = {
        {.name = "signal", .shorthand = 's', .type = FlagType::String, .description = "Signal to send to the container",
         .default_value = "KILL", .value_name = "string"},
      },
    },
    {
      .names = {"container stop", "stop"},
      .usage = "CONTAINER [CONTAINER...]",
      .summary = "Stop one or more running containers",
      .handler = handle_container_stop,
      .args = any_args(),  // or --cidfile
      .flags = {
        {.name = "cidfile", .type = FlagType::StringList, .description = "Read the container ID from the file",
         .value_name = "stringArray"},
        {.name = "ignore", .shorthand = 'i', .description = "Ignore errors when a specified container is missing"},
        {.name = "signal", .shorthand = 's', .type = FlagType::String,
         .description = "Signal to send to the container (default: the container's StopSignal)"},
        {.name = "time", .shorthand = 't', .type = FlagType::String,
         .description = "Seconds to wait before killing the container", .value_name = "int"},
      },
    },
    {
      .names = {"container wait", "wait"},
      .usage = "CONTAINER [CONTAINER...]",
      .summary = "Block until one or more containers stop, then print their exit codes",
      .handler = handle_container_wait,
      .args = at_least(1),
    },
  };
}

}  // namespace kayak::cli::rows
