#include "kayak/cli/parser.hpp"

#include "flag_parser.hpp"
#include "kayak/cli/help.hpp"

#include <fmt/format.h>

#include <cstdlib>

namespace kayak::cli {

namespace {

constexpr std::string_view program = "kayak";

std::string display_path(std::string_view path) {
  return path.empty() ? std::string(program) : fmt::format("{} {}", program, path);
}

bool wants_help(const FlagValues& values) {
  auto it = values.find("help");
  return it != values.end() && !it->second.empty() && it->second.back() == "true";
}

bool given_true(const FlagValues& values, std::string_view name) {
  auto it = values.find(name);
  return it != values.end() && !it->second.empty() && it->second.back() == "true";
}

// flag > env > default (empty: the owning module picks the default).
std::string flag_or_env(const FlagValues& values, std::string_view flag, std::string_view env_name,
                        const EnvLookup& env) {
  auto it = values.find(flag);
  if (it != values.end() && !it->second.empty()) return it->second.back();
  if (std::optional<std::string> from_env = env(env_name)) return *from_env;
  return {};
}

GlobalOptions resolve_globals(const FlagValues& values, const EnvLookup& env) {
  GlobalOptions global;
  global.root = flag_or_env(values, "root", "KAYAK_ROOT", env);
  global.runroot = flag_or_env(values, "runroot", "KAYAK_RUNROOT", env);
  auto level = values.find("log-level");
  if (level != values.end() && !level->second.empty()) global.log_level = level->second.back();
  return global;
}

[[noreturn]] void unknown_command(CommandTable table, std::string_view parent_path,
                                  std::string_view typed) {
  std::string message =
    fmt::format("unknown command \"{}\" for \"{}\"", typed, display_path(parent_path));
  std::vector<std::string> close = suggest(table, parent_path, typed);
  if (!close.empty()) {
    message += "\n\nDid you mean this?\n";
    for (const std::string& name : close) message += fmt::format("\t{}\n", name);
  }
  message += fmt::format("\nSee '{} --help'.", display_path(parent_path));
  throw UsageError(message);
}

std::string_view plural(int n) { return n == 1 ? "argument" : "arguments"; }

// Docker's wording (cli/required.go), then the usage as Docker shows it.
void check_arg_count(const Command& command, std::string_view invoked_path, size_t given) {
  const int n = static_cast<int>(given);
  const ArgCount& want = command.args;
  const std::string who = display_path(invoked_path);
  std::string problem;
  if (want.max == 0 && n > 0) {
    problem = fmt::format("\"{}\" accepts no arguments.", who);
  } else if (want.min == want.max && n != want.min) {
    problem = fmt::format("\"{}\" requires exactly {} {}.", who, want.min, plural(want.min));
  } else if (want.max >= 0 && want.min > 0 && (n < want.min || n > want.max)) {
    problem = fmt::format("\"{}\" requires at least {} and at most {} {}.", who, want.min,
                          want.max, plural(want.max));
  } else if (n < want.min) {
    problem = fmt::format("\"{}\" requires at least {} {}.", who, want.min, plural(want.min));
  } else if (want.max >= 0 && n > want.max) {
    problem = fmt::format("\"{}\" requires at most {} {}.", who, want.max, plural(want.max));
  }
  if (problem.empty()) return;
  throw UsageError(fmt::format("{}\nSee '{} --help'.\n\n{}\n\n{}", problem, who,
                               usage_line(command, invoked_path), command.summary));
}

ParsedCommandLine help_result(CommandTable table, const Command* command, std::string path,
                              GlobalOptions global) {
  ParsedCommandLine parsed;
  parsed.table = table;
  parsed.action = ParsedCommandLine::Action::Help;
  parsed.command = command;
  parsed.invoked_path = std::move(path);
  parsed.global = std::move(global);
  return parsed;
}

}  // namespace

std::optional<std::string> process_env(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

Resolution resolve(CommandTable table, std::span<const std::string> words) {
  Resolution resolution;
  for (const std::string& word : words) {
    if (resolution.command && !resolution.command->group) break;
    // A word with a space could otherwise match a two-word path at once.
    if (word.empty() || word.find(' ') != std::string::npos) break;
    std::string path = resolution.path.empty() ? word : resolution.path + " " + word;
    const Command* command = find_command(table, path);
    if (!command) break;
    resolution.command = command;
    resolution.path = std::move(path);
    ++resolution.consumed;
  }
  return resolution;
}

ParsedCommandLine parse(std::span<const std::string> args, CommandTable table,
                        const EnvLookup& env) {
  // Global flags come before the command only (Docker): the first
  // positional word stops their parsing.
  FlagParseResult top = parse_flags(
    global_flags(), args, {.implicit_help = false, .interspersed = false, .help_hint = program});
  GlobalOptions global = resolve_globals(top.values, env);

  if (wants_help(top.values)) return help_result(table, nullptr, "", std::move(global));
  if (given_true(top.values, "version")) {
    ParsedCommandLine parsed;
    parsed.table = table;
    parsed.action = ParsedCommandLine::Action::Version;
    parsed.global = std::move(global);
    return parsed;
  }

  const std::vector<std::string>& words = top.positionals;
  if (words.empty()) return help_result(table, nullptr, "", std::move(global));

  Resolution found = resolve(table, words);
  if (!found.command) unknown_command(table, "", words[0]);
  std::span<const std::string> rest = std::span(words).subspan(found.consumed);
  const Command& command = *found.command;
  const std::string hint = display_path(found.path);

  if (command.group) {
    // A bare group shows its help, as Docker does; a group takes no flags
    // but --help, and no arguments but its subcommands.
    if (rest.empty()) return help_result(table, &command, found.path, std::move(global));
    if (!rest[0].starts_with('-')) unknown_command(table, found.path, rest[0]);
    FlagParseResult group_flags =
      parse_flags({}, rest, {.interspersed = false, .help_hint = hint});
    if (wants_help(group_flags.values) || group_flags.positionals.empty())
      return help_result(table, &command, found.path, std::move(global));
    unknown_command(table, found.path, group_flags.positionals[0]);
  }

  FlagParseResult parsed_flags = parse_flags(
    command.flags, rest,
    {.interspersed = !command.flags_before_args_only, .help_hint = hint});
  if (wants_help(parsed_flags.values))
    return help_result(table, &command, found.path, std::move(global));
  check_arg_count(command, found.path, parsed_flags.positionals.size());

  ParsedCommandLine parsed;
  parsed.table = table;
  parsed.action = ParsedCommandLine::Action::Run;
  parsed.command = &command;
  parsed.invoked_path = found.path;
  parsed.global = global;
  parsed.invocation.emplace(table, command, found.path, std::move(global),
                            std::move(parsed_flags.values), std::move(parsed_flags.positionals));
  return parsed;
}

std::vector<std::string> arguments_from_argv(int argc, const char* const* argv,
                                             CommandTable table) {
  std::vector<std::string> args;
  if (argc > 0 && argv[0]) {
    std::string_view self = argv[0];
    size_t slash = self.rfind('/');
    if (slash != std::string_view::npos) self.remove_prefix(slash + 1);
    const Command* internal = find_command(table, self);
    if (internal && internal->hidden && self.find(' ') == std::string_view::npos)
      args.emplace_back(self);
  }
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return args;
}

}  // namespace kayak::cli
