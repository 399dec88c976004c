// What every completion script needs from the command table, in one shape
// the bash, zsh and fish writers share: a node per command path (the top
// level is "kayak"), its subcommands or flags, and every typed path
// (aliases included) mapped to its node.
#pragma once

#include "kayak/cli/command_table.hpp"

#include <string>
#include <utility>
#include <vector>

namespace kayak::cli {

struct ScriptFlag {
  std::string name;  // "--detach" or "-d"
  bool takes_value = false;
  std::string description;  // first line only
};

struct ScriptNode {
  std::string key;  // "kayak", "kayak image", "kayak image ls"
  bool group = false;      // takes a subcommand (the top level too)
  bool args_only = false;  // flags end at the first argument (run, exec)
  std::vector<std::pair<std::string, std::string>> subcommands = {};  // word, summary
  std::vector<ScriptFlag> flags = {};  // long and short forms, -h/--help included
};

struct ScriptModel {
  std::vector<ScriptNode> nodes;
  std::vector<std::pair<std::string, std::string>> paths;  // "kayak images" -> "kayak image ls"
};

ScriptModel script_model(CommandTable table);

// The words right under `parent` ("" for the top level) with their
// summaries: every visible command path "<parent> <word>", aliases included.
std::vector<std::pair<std::string, std::string>> subcommands_of(CommandTable table, std::string_view parent);

// A help text's first line.
std::string first_line(std::string_view text);

// Single-quoted for bash and zsh ('it'\''s').
std::string sh_quote(std::string_view text);

std::string bash_script(const ScriptModel& model);
std::string zsh_script(const ScriptModel& model);
std::string fish_script(const ScriptModel& model);

}  // namespace kayak::cli
