#include "run_command_split.hpp"

#include "kayak/cli/command_table.hpp"
#include "kayak/util/error.hpp"

#include <span>

namespace kayak::cli {

namespace {

const Flag* long_flag(std::span<const Flag> flags, std::string_view name) {
  for (const auto& f : flags)
    if (f.name == name) return &f;
  return name == "help" ? &help_flag() : nullptr;
}

const Flag* short_flag(std::span<const Flag> flags, char c) {
  for (const auto& f : flags)
    if (f.shorthand == c) return &f;
  return nullptr;
}

// Copies the flags at argv[i...] to out (dropping those in drop) up to the
// first word that is not a flag; returns its index.
size_t copy_flags(const std::vector<std::string>& argv, size_t i, std::span<const Flag> flags,
                  const std::set<std::string>& drop, std::vector<std::string>& out) {
  while (i < argv.size()) {
    const std::string& word = argv[i];
    if (word == "--") return i + 1;
    if (word.size() < 2 || word[0] != '-') return i;
    if (word.starts_with("--")) {
      size_t eq = word.find('=');
      std::string name = word.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      const Flag* flag = long_flag(flags, name);
      if (!flag) fail("unknown flag --{} in the recorded command", name);
      bool takes_next = flag->type != FlagType::Bool && eq == std::string::npos;
      bool keep = !drop.count(std::string(flag->name));
      if (keep) out.push_back(word);
      if (takes_next && i + 1 < argv.size() && keep) out.push_back(argv[i + 1]);
      i += takes_next ? 2 : 1;
      continue;
    }
    // A cluster of short flags: "-dit", "-p8080:80", "-e" VALUE.
    std::string kept = "-";
    bool value_next = false;
    bool value_kept = false;
    for (size_t k = 1; k < word.size(); ++k) {
      const Flag* flag = short_flag(flags, word[k]);
      if (!flag) fail("unknown shorthand flag '{}' in the recorded command", word[k]);
      bool keep = !drop.count(std::string(flag->name));
      if (flag->type == FlagType::Bool) {
        if (keep) kept += word[k];
        continue;
      }
      std::string rest = word.substr(k + 1);
      if (keep) kept += word[k] + rest;
      value_next = rest.empty();
      value_kept = keep;
      break;
    }
    if (kept != "-") out.push_back(kept);
    if (value_next && i + 1 < argv.size() && value_kept) out.push_back(argv[i + 1]);
    i += value_next ? 2 : 1;
  }
  return i;
}

}  // namespace

std::vector<std::string> run_arguments(const std::vector<std::string>& argv, const std::set<std::string>& drop) {
  std::vector<std::string> out;
  size_t i = copy_flags(argv, 1, global_flags(), {}, out);
  if (i < argv.size() && argv[i] == "container") ++i;
  if (i >= argv.size() || (argv[i] != "run" && argv[i] != "create"))
    fail("the recorded command is not a kayak run or create");
  const Command* run = find_command(command_table(), "container run");
  if (!run) fail("the command table has no run");
  out.push_back("run");
  i = copy_flags(argv, i + 1, run->flags, drop, out);
  // The image and the container's command, as they were.
  out.insert(out.end(), argv.begin() + static_cast<std::ptrdiff_t>(i), argv.end());
  return out;
}

}  // namespace kayak::cli
