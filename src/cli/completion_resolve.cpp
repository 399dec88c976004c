// kayak __complete: what to offer for the word under the cursor, from the
// command table and, for names, the store. The walk over the words follows
// the parser's rules (global flags before the command, values of flags that
// take one, "--", flags only before the first argument for run and exec)
// but never fails: a line the parser would reject still completes.
#include "completion_model.hpp"

#include "kayak/cli/completion.hpp"

#include <algorithm>

namespace kayak::cli {

namespace {

bool takes_value(const Flag& flag) { return flag.type != FlagType::Bool; }

// The flags a command (nullptr: the top level) accepts, -h/--help included.
const Flag* flag_named(const Command* command, std::string_view name) {
  if (!command) {
    for (const Flag& flag : global_flags())
      if (flag.name == name) return &flag;
    return nullptr;
  }
  return find_flag(*command, name);
}

const Flag* flag_with_shorthand(const Command* command, char c) {
  std::span<const Flag> flags = command ? std::span<const Flag>(command->flags) : global_flags();
  for (const Flag& flag : flags)
    if (flag.shorthand == c) return &flag;
  if (command && c == help_flag().shorthand) return &help_flag();
  return nullptr;
}

// Where the walk over the words before the cursor ended.
struct Position {
  const Command* command = nullptr;  // nullptr: still at the top level
  std::string typed_path;            // as typed: "images", "image ls"
  std::vector<std::string> args;     // positional words so far
  const Flag* pending = nullptr;     // the last word is this flag, wanting a value
  bool flags_done = false;           // after "--", or run/exec after the image/container
  StoreSelection where;
};

bool at_group(const Position& at) { return !at.command || at.command->group; }

void take_flag_word(Position& at, const std::string& word) {
  if (word.starts_with("--")) {
    size_t eq = word.find('=');
    std::string_view name = std::string_view(word).substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const Flag* flag = flag_named(at.command, name);
    if (!flag || !takes_value(*flag)) return;
    if (eq == std::string::npos) {
      at.pending = flag;
    } else if (!at.command && name == "root") {
      at.where.root = word.substr(eq + 1);
    } else if (!at.command && name == "runroot") {
      at.where.runroot = word.substr(eq + 1);
    }
    return;
  }
  // A cluster of short flags (-it); a flag taking a value takes the rest of
  // the word, or the next word when it is last.
  for (size_t i = 1; i < word.size(); ++i) {
    const Flag* flag = flag_with_shorthand(at.command, word[i]);
    if (flag && takes_value(*flag)) {
      if (i + 1 == word.size()) at.pending = flag;
      return;
    }
  }
}

Position walk(CommandTable table, std::span<const std::string> before) {
  Position at;
  for (const std::string& word : before) {
    if (at.pending) {
      if (!at.command && at.pending->name == "root") at.where.root = word;
      if (!at.command && at.pending->name == "runroot") at.where.runroot = word;
      at.pending = nullptr;
      continue;
    }
    if (!at.flags_done && word == "--" && at.command) {
      at.flags_done = true;
      continue;
    }
    if (!at.flags_done && word.size() > 1 && word[0] == '-') {
      take_flag_word(at, word);
      continue;
    }
    if (at_group(at) && at.args.empty() && !word.empty() && word.find(' ') == std::string::npos) {
      std::string path = at.typed_path.empty() ? word : at.typed_path + " " + word;
      if (const Command* command = find_command(table, path); command && !command->hidden) {
        at.command = command;
        at.typed_path = std::move(path);
        continue;
      }
    }
    at.args.push_back(word);
    if (at.command && at.command->flags_before_args_only) at.flags_done = true;
  }
  return at;
}

// The names of the visible commands right under `parent` ("" for the top).
void add_subcommands(CommandTable table, std::string_view parent, CompletionResult& out) {
  for (auto& [word, summary] : subcommands_of(table, parent)) out.candidates.emplace_back(std::move(word), std::move(summary));
}

void add_flags(const Position& at, CompletionResult& out) {
  std::span<const Flag> flags = at.command ? std::span<const Flag>(at.command->flags) : global_flags();
  bool short_help_taken = false;
  bool has_help = false;
  for (const Flag& flag : flags) {
    if (flag.shorthand == help_flag().shorthand) short_help_taken = true;
    if (flag.name == help_flag().name) has_help = true;
  }
  auto add = [&](const Flag& flag, bool with_short) {
    std::string description = first_line(flag.description);
    out.candidates.emplace_back("--" + std::string(flag.name), description);
    if (with_short && flag.shorthand) out.candidates.emplace_back(std::string("-") + flag.shorthand, description);
  };
  if (!at_group(at) || !at.command) {
    for (const Flag& flag : flags)
      if (!flag.hidden) add(flag, true);
  }
  if (!has_help) add(help_flag(), !short_help_taken);
}

struct ValueContext {
  CommandTable table;
  const Position& at;
  const CompletionValues& values;
};

void add_names(const ValueContext& ctx, Complete kind, std::string_view typed, const std::string& prefix,
               CompletionResult& out) {
  if (!ctx.values) return;
  for (std::string& name : ctx.values(kind, typed, ctx.at.where)) out.candidates.emplace_back(prefix + name, "");
}

void add_format_fields(const ValueContext& ctx, const Flag& flag, std::string_view typed, CompletionResult& out) {
  out.directive |= kNoSpace;
  std::string path = ctx.at.command ? std::string(ctx.at.command->names.front()) : std::string();
  std::span<const std::string_view> fields = format_fields(path);
  size_t open = typed.rfind("{{");
  if (open == std::string_view::npos) {
    out.candidates.emplace_back("json", "Print in JSON format");
    if (flag.description.find("'table'") != std::string_view::npos)
      out.candidates.emplace_back("table", "Print output in table format with column headers");
    for (std::string_view field : fields) out.candidates.emplace_back("{{." + std::string(field) + "}}", "");
    return;
  }
  if (typed.find("}}", open) != std::string_view::npos) return;
  size_t dot = typed.find_first_not_of(' ', open + 2);
  std::string base;
  if (dot == std::string_view::npos) {
    base = std::string(typed) + ".";
  } else if (typed[dot] == '.') {
    base = std::string(typed.substr(0, dot + 1));
  } else {
    return;  // a function call or a variable: nothing to offer
  }
  for (std::string_view field : fields) out.candidates.emplace_back(base + std::string(field) + "}}", "");
}

void add_values(const ValueContext& ctx, const Flag* flag, Complete kind, std::string_view typed,
                const std::string& prefix, CompletionResult& out) {
  if (flag && !flag->choices.empty()) {
    for (std::string_view choice : flag->choices) out.candidates.emplace_back(prefix + std::string(choice), "");
    return;
  }
  switch (kind) {
  case Complete::None: return;
  case Complete::Files: out.directive |= kFileCompletion; return;
  case Complete::Directories: out.directive |= kDirCompletion; return;
  case Complete::Containers:
  case Complete::RunningContainers:
  case Complete::StoppedContainers:
  case Complete::PausedContainers:
  case Complete::Images:
  case Complete::Volumes: add_names(ctx, kind, typed, prefix, out); return;
  case Complete::ContainersAndImages:
    add_names(ctx, Complete::Containers, typed, prefix, out);
    add_names(ctx, Complete::Images, typed, prefix, out);
    return;
  case Complete::Networks:
    if (typed.starts_with("container:")) {
      add_names(ctx, Complete::Containers, typed.substr(10), prefix + "container:", out);
      return;
    }
    for (std::string_view mode : {"none", "host", "private", "pasta", "slirp4netns", "container:", "ns:"})
      out.candidates.emplace_back(prefix + std::string(mode), "");
    return;
  case Complete::Signals: {
    bool with_sig = typed.starts_with("SIG");
    for (std::string_view name : signal_names())
      out.candidates.emplace_back(prefix + (with_sig ? "SIG" : "") + std::string(name), "");
    return;
  }
  case Complete::FormatFields:
    if (flag) add_format_fields(ctx, *flag, typed, out);
    return;
  case Complete::Commands: {
    std::string parent;
    for (const std::string& arg : ctx.at.args) parent += (parent.empty() ? "" : " ") + arg;
    add_subcommands(ctx.table, parent, out);
    return;
  }
  case Complete::Shells:
    for (std::string_view shell : completion_shells()) out.candidates.emplace_back(std::string(shell), "");
    return;
  }
}

void keep_matching(std::string_view typed, CompletionResult& out) {
  auto& c = out.candidates;
  c.erase(std::remove_if(c.begin(), c.end(), [&](const auto& item) { return !item.first.starts_with(typed); }),
          c.end());
  // Same value twice (an alias listed under two parents, a name that is
  // also a familiar name): keep the first.
  std::vector<std::pair<std::string, std::string>> unique;
  for (auto& item : c) {
    bool seen = std::any_of(unique.begin(), unique.end(), [&](const auto& u) { return u.first == item.first; });
    if (!seen) unique.push_back(std::move(item));
  }
  c = std::move(unique);
  // "container:" and "ns:" are starts of a value: no space after them.
  if (!c.empty() && std::all_of(c.begin(), c.end(), [](const auto& item) { return item.first.ends_with(':'); }))
    out.directive |= kNoSpace;
}

}  // namespace

CompletionResult complete_words(CommandTable table, std::span<const std::string> words,
                                const CompletionValues& values) {
  CompletionResult out;
  std::string typed = words.empty() ? std::string() : words.back();
  Position at = walk(table, words.empty() ? words : words.first(words.size() - 1));
  ValueContext ctx{table, at, values};

  if (at.pending) {
    add_values(ctx, at.pending, at.pending->complete, typed, "", out);
  } else if (!at.flags_done && typed.starts_with("--") && typed.find('=') != std::string::npos) {
    size_t eq = typed.find('=');
    const Flag* flag = flag_named(at.command, std::string_view(typed).substr(2, eq - 2));
    if (flag && takes_value(*flag))
      add_values(ctx, flag, flag->complete, std::string_view(typed).substr(eq + 1), typed.substr(0, eq + 1), out);
  } else if (!at.flags_done && typed.starts_with('-')) {
    add_flags(at, out);
  } else if (at_group(at)) {
    if (at.args.empty()) add_subcommands(table, at.typed_path, out);
  } else {
    add_values(ctx, nullptr, arg_completion(*at.command, at.args.size()), typed, "", out);
  }
  keep_matching(typed, out);
  return out;
}

std::string completion_output(const CompletionResult& result) {
  std::string text;
  for (const auto& [value, description] : result.candidates) {
    text += value;
    if (!description.empty()) text += "\t" + description;
    text += "\n";
  }
  // Nothing at all when there is nothing to offer (no store, an error).
  if (result.directive != 0) text += ":" + std::to_string(result.directive) + "\n";
  return text;
}

}  // namespace kayak::cli
