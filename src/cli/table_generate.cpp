// Command table rows: generate systemd.
#include "table_rows.hpp"

#include "generate_handlers.hpp"

namespace kayak::cli::rows {

std::vector<Command> generate_commands() {
  return {
    {
      .names = {"generate"},
      .usage = "COMMAND",
      .summary = "Generate structured data based on containers",
      .group = true,
    },
    {
      .names = {"generate systemd"},
      .usage = "CONTAINER",
      .summary = "Generate a systemd unit file for a container",
      .handler = handle_generate_systemd,
      .args = exactly(1),
      .flags = {
        {.name = "container-prefix", .type = FlagType::String, .description = "Systemd unit name prefix",
         .default_value = "container"},
        {.name = "files", .shorthand = 'f', .description = "Generate a .service file instead of printing to stdout"},
        {.name = "name", .shorthand = 'n', .description = "Use container name instead of ID in the unit"},
        {.name = "new", .description = "Create a new container on each start instead of starting an existing one"},
        {.name = "no-header", .description = "Skip the header comment with the version and date"},
        {.name = "restart-policy", .type = FlagType::String, .description = "Systemd restart-policy",
         .default_value = "on-failure",
         .choices = {"no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort", "always"}},
        {.name = "restart-sec", .type = FlagType::String, .description = "Systemd restart-sec", .value_name = "uint"},
        {.name = "separator", .type = FlagType::String, .description = "Systemd unit name separator between name/id and prefix",
         .default_value = "-"},
        {.name = "time", .shorthand = 't', .type = FlagType::String,
         .description = "Stop timeout override (default: the container's stop timeout)", .value_name = "uint"},
      },
      .description = "Prints the unit on stdout, or with --files writes NAME.service in the\n"
                     "current directory and prints its path.",
    },
  };
}

}  // namespace kayak::cli::rows
