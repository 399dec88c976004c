// The command-line parser: global flags, then the command path through the
// table (groups and aliases), then the command's flags and arguments, with
// Docker's error messages. Parsing never runs a handler, so it is testable
// on its own.
#pragma once

#include "kayak/cli/command_table.hpp"
#include "kayak/cli/invocation.hpp"
#include "kayak/util/error.hpp"

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::cli {

// A command-line mistake (unknown flag, wrong argument count, ...). The
// message already carries the "See 'kayak ... --help'." hint. Exit 125.
class UsageError : public Error {
public:
  explicit UsageError(const std::string& message) : Error(message, 125) {}
};

struct ParsedCommandLine {
  enum class Action { Run, Help, Version };
  Action action = Action::Run;
  CommandTable table;  // the table parsed against
  // Row to run (Run) or to describe (Help); nullptr with Help: the top level.
  const Command* command = nullptr;
  std::string invoked_path;  // "images", "image ls"; "" for the top level
  GlobalOptions global;
  std::optional<Invocation> invocation;  // set when action == Run
};

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
// getenv(), as an EnvLookup.
std::optional<std::string> process_env(std::string_view name);

// Parses the arguments after argv[0]. Throws UsageError.
ParsedCommandLine parse(std::span<const std::string> args, CommandTable table = command_table(),
                        const EnvLookup& env = process_env);

// The arguments after argv[0]. When argv[0]'s basename names a hidden
// command (kayak re-executes itself as an internal command), that name is
// put in front, so it dispatches like `kayak <name> ...`.
std::vector<std::string> arguments_from_argv(int argc, const char* const* argv,
                                             CommandTable table = command_table());

// Walks `words` down the table: {"image", "ls", "x"} reaches image ls after
// two words. Stops at a non-group row or at a word that names no subcommand.
struct Resolution {
  const Command* command = nullptr;  // nullptr: the first word names nothing
  std::string path;                  // the words consumed, joined by spaces
  size_t consumed = 0;
};
Resolution resolve(CommandTable table, std::span<const std::string> words);

// Visible names under `parent_path` close to `typed` (cobra's "Did you mean
// this?": edit distance <= 2, or a prefix match).
std::vector<std::string> suggest(CommandTable table, std::string_view parent_path,
                                 std::string_view typed);

}  // namespace kayak::cli
