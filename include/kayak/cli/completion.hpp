// Shell completion, generated from the command table.
//
// Two halves: completion_script() prints a bash, zsh or fish script that
// knows the table's commands, aliases and flags (with their descriptions)
// and completes those without running kayak; for values (a flag's value, a
// positional argument) the script runs the hidden `kayak __complete -- WORDS`
// whose answer complete_words() computes: candidates, one per line as
// "VALUE" or "VALUE<TAB>DESCRIPTION", then, unless 0, ":DIRECTIVE" (a bit
// set of CompletionDirective telling the shell what to do itself).
#pragma once

#include "kayak/cli/command_table.hpp"

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kayak::cli {

enum CompletionDirective : unsigned {
  kNoSpace = 1,         // the candidate is a prefix ("container:", "{{."): no space after it
  kFileCompletion = 2,  // the shell completes file paths
  kDirCompletion = 4,   // the shell completes directories
};

struct CompletionResult {
  std::vector<std::pair<std::string, std::string>> candidates;  // value, description
  unsigned directive = 0;
};

// The store's names for a dynamic kind (Containers, RunningContainers,
// StoppedContainers, PausedContainers, Images, Volumes); `typed` is the word
// being completed (IDs are offered once something is typed), `root` and
// `runroot` the --root/--runroot given on the line (empty: default). A seam,
// so tests can complete without a store.
struct StoreSelection {
  std::string root;
  std::string runroot;
};
using CompletionValues =
  std::function<std::vector<std::string>(Complete kind, std::string_view typed, const StoreSelection& where)>;

// Completes `words`: the words after "kayak", the last being the one under
// the cursor ("" for a new word).
CompletionResult complete_words(CommandTable table, std::span<const std::string> words,
                                const CompletionValues& values);

// The text `kayak __complete` prints for a result.
std::string completion_output(const CompletionResult& result);

// The fields `--format '{{.Field}}'` knows for a command (canonical path).
std::span<const std::string_view> format_fields(std::string_view command_path);

// Signal names kill -s and --stop-signal take, without "SIG".
std::span<const std::string_view> signal_names();

// The completion script for "bash", "zsh" or "fish"; throws for another.
std::string completion_script(CommandTable table, std::string_view shell);
std::span<const std::string_view> completion_shells();

}  // namespace kayak::cli
