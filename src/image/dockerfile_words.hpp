// The small part of Dockerfile syntax that `import -c` / `commit -c`
// changes need: splitting an instruction's arguments into words and
// processing a word the way Docker's shell lexer does (quotes, backslash
// escapes, $VAR and ${VAR...} expansion). Internal to the image module.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::image::detail {

// Looks a variable up; nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// One word with quotes removed, escapes applied and variables expanded;
// whitespace inside the word is kept. Supports $NAME, ${NAME},
// ${NAME:-word}, ${NAME-word}, ${NAME:+word}, ${NAME+word}, ${NAME:?msg}.
// Throws kayak::Error on unterminated quotes or a bad substitution.
std::string process_word(std::string_view word, const EnvLookup& env);

// Splits on whitespace outside quotes; quotes and escapes stay in the words
// (for process_word to handle later), as Docker's parser does for ENV and
// LABEL arguments.
std::vector<std::string> split_quoted_words(std::string_view text);

// Splits on whitespace only (EXPOSE, VOLUME in its plain form).
std::vector<std::string> split_whitespace(std::string_view text);

// A Go duration ("1m30s", "500ms", "0") in nanoseconds; nullopt when
// malformed or out of range.
std::optional<int64_t> parse_go_duration(std::string_view text);

}  // namespace kayak::image::detail
