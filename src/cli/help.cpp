// Help in Docker's layout (its cobra templates), rendered from the table.
#include "kayak/cli/help.hpp"

#include "kayak/cli/parser.hpp"
#include "kayak/util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kayak::cli {

namespace {

constexpr std::string_view program = "kayak";
constexpr std::string_view program_summary = "A daemonless, rootless container engine";
// cobra pads command names to at least this width, plus one space.
constexpr size_t min_name_padding = 11;

std::string display_path(std::string_view path) {
  return path.empty() ? std::string(program) : fmt::format("{} {}", program, path);
}

std::string_view value_placeholder(const Flag& flag) {
  if (flag.type == FlagType::Bool) return {};
  if (!flag.value_name.empty()) return flag.value_name;
  return flag.type == FlagType::StringList ? "stringArray" : "string";
}

std::string default_suffix(const Flag& flag) {
  if (flag.default_value.empty()) return {};
  if (flag.type == FlagType::String) return fmt::format(" (default \"{}\")", flag.default_value);
  return fmt::format(" (default {})", flag.default_value);
}

struct NamedSummary {
  std::string_view name;
  std::string_view summary;
};

// "  name        summary" lines, sorted by name.
std::string command_list(std::vector<NamedSummary> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const NamedSummary& a, const NamedSummary& b) { return a.name < b.name; });
  size_t width = min_name_padding;
  for (const NamedSummary& entry : entries) width = std::max(width, entry.name.size());
  std::string out;
  for (const NamedSummary& entry : entries)
    out += fmt::format("  {:<{}}{}\n", entry.name, width + 1, entry.summary);
  return out;
}

}  // namespace

std::string flag_usages(std::span<const Flag> flags) {
  struct Line {
    std::string left;
    std::string text;
  };
  std::vector<Line> lines;
  size_t width = 0;
  for (const Flag& flag : flags) {
    if (flag.hidden) continue;
    std::string left = flag.shorthand ? fmt::format("  -{}, --{}", flag.shorthand, flag.name)
                                      : fmt::format("      --{}", flag.name);
    std::string_view placeholder = value_placeholder(flag);
    if (!placeholder.empty()) left += fmt::format(" {}", placeholder);
    width = std::max(width, left.size());
    lines.push_back({std::move(left), std::string(flag.description) + default_suffix(flag)});
  }
  // Descriptions start three columns after the longest flag; continuation
  // lines of a multi-line description start in the same column.
  const size_t column = width + 3;
  std::string out;
  for (const Line& line : lines) {
    std::vector<std::string> parts = str::split(line.text, '\n');
    out += fmt::format("{:<{}}{}\n", line.left, column, parts[0]);
    for (size_t i = 1; i < parts.size(); ++i) out += fmt::format("{:<{}}{}\n", "", column, parts[i]);
  }
  return out;
}

std::string usage_line(const Command& command, std::string_view invoked_path) {
  std::string line = fmt::format("Usage:  {}", display_path(invoked_path));
  if (has_visible_flags(command)) line += " [OPTIONS]";
  if (!command.usage.empty()) line += fmt::format(" {}", command.usage);
  return line;
}

std::string command_help(const Command& command, std::string_view invoked_path) {
  std::string out = fmt::format("{}\n\n{}\n", usage_line(command, invoked_path), command.summary);
  if (!command.description.empty()) out += fmt::format("\n{}\n", command.description);
  if (command.names.size() > 1) {
    std::vector<std::string> names;
    for (std::string_view name : command.names) names.push_back(display_path(name));
    out += fmt::format("\nAliases:\n  {}\n", str::join(names, ", "));
  }
  if (has_visible_flags(command)) out += fmt::format("\nOptions:\n{}", flag_usages(command.flags));
  // Help stays short; the page (named after the canonical name, man/) has
  // the detail. Hidden commands have no page.
  if (!command.hidden) {
    out += fmt::format("\nSee {}-{}(1) for details.\n", program, str::replace_all(command.names.front(), " ", "-"));
  }
  return out;
}

std::string group_help(CommandTable table, const Command& group, std::string_view invoked_path) {
  std::string_view parent = group.names.front();
  std::vector<NamedSummary> entries;
  for (const Command& command : table) {
    if (command.hidden || &command == &group) continue;
    std::string_view name = name_under(command, parent);
    if (!name.empty()) entries.push_back({name, command.summary});
  }
  std::string path = display_path(invoked_path);
  return fmt::format(
    "Usage:  {} COMMAND\n\n{}\n\nCommands:\n{}\nRun '{} COMMAND --help' for more information on a "
    "command.\n",
    path, group.summary, command_list(std::move(entries)), path);
}

std::string root_help(CommandTable table) {
  std::vector<NamedSummary> groups;
  std::vector<NamedSummary> commands;
  for (const Command& command : table) {
    if (command.hidden) continue;
    // Every top-level name is listed, aliases too (Docker lists both
    // "images" and "image"), so a user scanning the list finds either.
    for (std::string_view name : command.names) {
      if (name.find(' ') != std::string_view::npos) continue;
      (command.group ? groups : commands).push_back({name, command.summary});
    }
  }
  std::string out = fmt::format("Usage:  {} [OPTIONS] COMMAND\n\n{}\n", program, program_summary);
  if (!groups.empty()) out += fmt::format("\nManagement Commands:\n{}", command_list(groups));
  out += fmt::format("\nCommands:\n{}", command_list(commands));
  out += fmt::format("\nGlobal Options:\n{}", flag_usages(global_flags()));
  out += fmt::format("\nRun '{} COMMAND --help' for more information on a command.\n", program);
  return out;
}

std::string help_for(CommandTable table, const Command* command, std::string_view invoked_path) {
  if (!command) return root_help(table);
  if (command->group) return group_help(table, *command, invoked_path);
  return command_help(*command, invoked_path);
}

}  // namespace kayak::cli
