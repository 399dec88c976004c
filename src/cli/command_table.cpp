// kayak's command table. Texts follow Docker's where Docker has the same
// command, so users find what they know.
#include "kayak/cli/command_table.hpp"

#include "table_rows.hpp"

namespace kayak::cli {

namespace {

const std::vector<Command>& commands() {
  static const std::vector<Command> all = [] {
    std::vector<Command> joined;
    for (auto part : {rows::container_commands, rows::run_commands, rows::commit_commands, rows::process_commands,
                      rows::exec_commands,
                      rows::image_commands, rows::registry_commands, rows::search_commands, rows::generate_commands,
                      rows::system_commands, rows::volume_commands}) {
      for (auto& row : part()) joined.push_back(std::move(row));
    }
    return joined;
  }();
  return all;
}

const std::vector<Flag> globals = {
  {.name = "help", .shorthand = 'h', .description = "Print usage"},
  {.name = "log-level", .type = FlagType::String,
   .description = "Set the logging level (\"debug\", \"info\", \"warn\", \"error\", \"fatal\", \"panic\")",
   .default_value = "warn",
   .choices = {"debug", "info", "warn", "error", "fatal", "panic"}},
  {.name = "root", .type = FlagType::String,
   .description = "Path to the image and container store (env KAYAK_ROOT)"},
  {.name = "runroot", .type = FlagType::String,
   .description = "Path to the runtime state directory (env KAYAK_RUNROOT)"},
  {.name = "version", .shorthand = 'v', .description = "Print version information and quit"},
};

const Flag implicit_help{.name = "help", .shorthand = 'h', .description = "Print usage", .hidden = true};

}  // namespace

CommandTable command_table() { return commands(); }
std::span<const Flag> global_flags() { return globals; }
const Flag& help_flag() { return implicit_help; }

}  // namespace kayak::cli
