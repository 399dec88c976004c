// Command table rows: exec.
#include "exec_handlers.hpp"
#include "table_rows.hpp"

namespace kayak::cli::rows {

std::vector<Command> exec_commands() {
  return {
    {
      .names = {"container exec", "exec"},
      .usage = "CONTAINER COMMAND [ARG...]",
      .summary = "Execute a command in a running container",
      .handler = handle_exec,
      .args = at_least(2),
      .flags = {
        {.name = "detach", .shorthand = 'd', .description = "Detached mode: run command in the background"},
        {.name = "detach-keys", .type = FlagType::String,
         .description = "Override the key sequence for detaching a container", .default_value = "ctrl-p,ctrl-q"},
        {.name = "env", .shorthand = 'e', .type = FlagType::StringList, .description = "Set environment variables",
         .value_name = "list"},
        {.name = "env-file", .type = FlagType::StringList, .description = "Read in a file of environment variables",
         .value_name = "list", .complete = Complete::Files},
        {.name = "interactive", .shorthand = 'i', .description = "Keep STDIN open even if not attached"},
        {.name = "privileged", .description = "Give extended privileges to the command"},
        {.name = "tty", .shorthand = 't', .description = "Allocate a pseudo-TTY"},
        {.name = "user", .shorthand = 'u', .type = FlagType::String,
         .description = "Username or UID (format: \"<name|uid>[:<group|gid>]\")"},
        {.name = "workdir", .shorthand = 'w', .type = FlagType::String,
         .description = "Working directory inside the container"},
      },
      // Everything after the container is the command, with its own flags.
      .flags_before_args_only = true,
      .arg_complete = {Complete::RunningContainers, Complete::None},
    },
  };
}

}  // namespace kayak::cli::rows
