// "Did you mean this?" for mistyped commands, with cobra's rule: a visible
// name within edit distance 2 (ignoring case), or one the typed word starts.
#include "kayak/cli/parser.hpp"
#include "kayak/util/strings.hpp"

#include <algorithm>

namespace kayak::cli {

namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::vector<std::string> suggest(CommandTable table, std::string_view parent_path,
                                 std::string_view typed) {
  const std::string want = str::to_lower(typed);
  std::vector<std::string> close;
  for (const Command& command : table) {
    if (command.hidden) continue;
    std::string_view name = name_under(command, parent_path);
    if (name.empty()) continue;
    const std::string candidate = str::to_lower(name);
    bool near = edit_distance(want, candidate) <= 2 || (!want.empty() && candidate.starts_with(want));
    if (near && std::find(close.begin(), close.end(), name) == close.end())
      close.emplace_back(name);
  }
  std::sort(close.begin(), close.end());
  return close;
}

}  // namespace kayak::cli
