// Command table rows: shell completion.
#include "table_rows.hpp"

#include "completion_handlers.hpp"

namespace kayak::cli::rows {

std::vector<Command> completion_commands() {
  return {
    {
      .names = {"completion"},
      .usage = "bash|zsh|fish",
      .summary = "Generate the autocompletion script for the specified shell",
      .handler = handle_completion,
      .args = exactly(1),
      .description = "Prints a script that completes kayak's commands, flags and the names of\n"
                     "containers, images and volumes. bash: source <(kayak completion bash);\n"
                     "zsh: source <(kayak completion zsh) after compinit; fish: kayak completion\n"
                     "fish | source. Installed copies load on their own.",
      .arg_complete = {Complete::Shells, Complete::None},
    },
    {
      // What the scripts run for values: the words after "kayak", the last
      // one under the cursor. Everything after "--" is taken as words.
      .names = {"__complete"},
      .usage = "-- WORDS...",
      .summary = "Complete a command line (internal)",
      .handler = handle_complete,
      .args = any_args(),
      .hidden = true,
      .flags_before_args_only = true,
    },
  };
}

}  // namespace kayak::cli::rows
