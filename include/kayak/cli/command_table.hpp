// The command table: plain data that is the single source of truth for
// commands, groups, aliases, flags and help text. The parser, `--help`, and
// (later) shell completions and the man-page check all read this table, so
// adding a command is adding a row.
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace kayak::cli {

class Invocation;

enum class FlagType {
  Bool,        // --flag, --flag=true|false; never takes the next argument
  String,      // --flag VALUE; given twice, the last value wins
  StringList,  // --flag VALUE, repeatable; every value is kept in order
};

// What a shell completes for a flag's value or a positional argument
// (kayak completion, kayak __complete). Choices listed on a Flag win over
// its kind. Dynamic kinds are read from the store when Tab is pressed.
enum class Complete {
  None,               // nothing to offer (a new name, a number, ...)
  Files,              // the shell completes file paths
  Directories,        // the shell completes directories
  Containers,         // container names (IDs once something is typed)
  RunningContainers,  // only running ones (exec, stop, kill, attach, ...)
  StoppedContainers,  // created or exited ones (start)
  PausedContainers,   // paused ones (unpause)
  Images,             // image references (IDs once something is typed)
  ContainersAndImages,  // inspect: either
  Volumes,            // volume names
  Networks,           // --network modes, container:NAME
  Signals,            // signal names (kill -s, --stop-signal)
  FormatFields,       // --format: json, table, {{.Field}} of the command's rows
  Commands,           // command paths (help)
  Shells,             // bash, zsh, fish (completion)
};

struct Flag {
  std::string_view name;    // long name without "--"
  char shorthand = 0;       // 0: no short form
  FlagType type = FlagType::Bool;
  std::string_view description;
  // Shown in help as (default ...) and returned by Invocation::value() when
  // the flag is not given. For a Bool flag only "true" is meaningful.
  std::string_view default_value = {};
  // Placeholder in help ("string", "filter", "list"); empty picks the type's.
  std::string_view value_name = {};
  // Accepted values; empty accepts anything. The parser rejects others.
  std::vector<std::string_view> choices = {};
  bool hidden = false;
  // Last, so rows that do not set it keep compiling unchanged.
  Complete complete = Complete::None;
};

// How many positional arguments a command takes; max < 0 means no limit.
struct ArgCount {
  int min = 0;
  int max = 0;
};
constexpr ArgCount no_args() { return {0, 0}; }
constexpr ArgCount exactly(int n) { return {n, n}; }
constexpr ArgCount at_least(int n) { return {n, -1}; }
constexpr ArgCount at_most(int n) { return {0, n}; }
constexpr ArgCount between(int min, int max) { return {min, max}; }
constexpr ArgCount any_args() { return {0, -1}; }

using Handler = int (*)(Invocation&);

struct Command {
  // Full paths from the top; the first is canonical, the rest are aliases:
  // {"image ls", "image list", "images"}. Groups are rows too ({"image"}).
  std::vector<std::string_view> names;
  // Arguments part of the usage line, after "kayak <path> [OPTIONS]".
  std::string_view usage;
  std::string_view summary;           // one line, no final period
  Handler handler = nullptr;          // nullptr for groups
  ArgCount args = no_args();
  std::vector<Flag> flags = {};
  bool group = false;                 // has subcommands; runs none itself
  bool hidden = false;                // internal (monitor, __complete): not in help
  // Flags are parsed only before the first positional argument, so that
  // everything after it belongs to the container command (run, exec).
  bool flags_before_args_only = false;
  // Optional extra paragraph shown in --help under the summary.
  std::string_view description = {};
  // What to complete for each positional argument: the i-th entry for the
  // i-th argument, the last entry for every later one ({} completes none).
  std::vector<Complete> arg_complete = {};
};

// The completion kind of positional argument `index` (0-based) of `command`.
Complete arg_completion(const Command& command, size_t index);

using CommandTable = std::span<const Command>;

// kayak's commands.
CommandTable command_table();
// Flags accepted before the command (Docker style: only there).
std::span<const Flag> global_flags();

// The implicit -h/--help flag every command accepts.
const Flag& help_flag();

// Lookups over a table.
// The row with `path` ("image ls", "images") among its names, or nullptr.
const Command* find_command(CommandTable table, std::string_view path);
// The name of `command` under `parent_path` ("" for the top level), e.g.
// "ls" for image ls under "image"; empty when it has no name there.
std::string_view name_under(const Command& command, std::string_view parent_path);
// The flag called `name` (long name) on `command`, including -h/--help.
const Flag* find_flag(const Command& command, std::string_view name);
// Whether `command` shows an Options section / takes [OPTIONS].
bool has_visible_flags(const Command& command);

}  // namespace kayak::cli
