#include "completion_model.hpp"

#include "kayak/cli/completion.hpp"
#include "kayak/util/error.hpp"

#include <array>

namespace kayak::cli {

namespace {

void add_flag(ScriptNode& node, const Flag& flag, bool with_short) {
  std::string description = first_line(flag.description);
  bool value = flag.type != FlagType::Bool;
  node.flags.push_back({"--" + std::string(flag.name), value, description});
  if (with_short && flag.shorthand) node.flags.push_back({std::string("-") + flag.shorthand, value, description});
}

// A command's visible flags, then -h/--help (its -h only when no flag of
// the command has that shorthand, as the parser decides).
void add_flags(ScriptNode& node, std::span<const Flag> flags, bool with_help) {
  bool short_help_taken = false;
  for (const Flag& flag : flags) {
    if (flag.shorthand == help_flag().shorthand) short_help_taken = true;
    if (!flag.hidden) add_flag(node, flag, true);
  }
  if (with_help) add_flag(node, help_flag(), !short_help_taken);
}


std::string key_of(std::string_view path) { return path.empty() ? "kayak" : "kayak " + std::string(path); }

}  // namespace

std::string first_line(std::string_view text) { return std::string(text.substr(0, text.find('\n'))); }

std::vector<std::pair<std::string, std::string>> subcommands_of(CommandTable table, std::string_view parent) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Command& command : table) {
    if (command.hidden) continue;
    for (std::string_view name : command.names) {
      std::string_view rest = name;
      if (!parent.empty()) {
        if (!name.starts_with(parent) || name.size() <= parent.size() + 1 || name[parent.size()] != ' ') continue;
        rest = name.substr(parent.size() + 1);
      }
      if (rest.find(' ') == std::string_view::npos) out.emplace_back(std::string(rest), std::string(command.summary));
    }
  }
  return out;
}

ScriptModel script_model(CommandTable table) {
  ScriptModel model;
  ScriptNode top{.key = "kayak", .group = true};
  top.subcommands = subcommands_of(table, "");
  add_flags(top, global_flags(), false);
  model.nodes.push_back(std::move(top));
  for (const Command& command : table) {
    if (command.hidden) continue;
    std::string path(command.names.front());
    ScriptNode node{.key = key_of(path), .group = command.group, .args_only = command.flags_before_args_only};
    if (command.group) {
      node.subcommands = subcommands_of(table, path);
      add_flags(node, {}, true);
    } else {
      add_flags(node, command.flags, find_flag(command, help_flag().name) == &help_flag());
    }
    model.nodes.push_back(std::move(node));
    for (std::string_view name : command.names) model.paths.emplace_back(key_of(name), key_of(path));
  }
  return model;
}

std::string sh_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::span<const std::string_view> completion_shells() {
  static constexpr std::array<std::string_view, 3> shells = {"bash", "zsh", "fish"};
  return shells;
}

std::string completion_script(CommandTable table, std::string_view shell) {
  ScriptModel model = script_model(table);
  if (shell == "bash") return bash_script(model);
  if (shell == "zsh") return zsh_script(model);
  if (shell == "fish") return fish_script(model);
  fail("unsupported shell \"{}\": choose bash, zsh or fish", shell);
}

}  // namespace kayak::cli
