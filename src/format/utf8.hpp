// Minimal UTF-8 helpers: Go measures tabwriter cells, %-10s padding and
// precision in runes, not bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kayak::format {

inline constexpr char32_t kInvalidRune = 0xffffffff;

// Decodes the rune at the start of `text`; sets `length` to the bytes used.
// Returns kInvalidRune (length 1) for a malformed sequence.
char32_t decode_utf8(std::string_view text, size_t& length);
void append_utf8(std::string& out, char32_t rune);
// Runes in text; a malformed byte counts as one rune, as in Go.
size_t utf8_length(std::string_view text);
// The first `runes` runes of text.
std::string_view utf8_prefix(std::string_view text, size_t runes);

// Simple case mapping for ASCII, Latin-1, Latin Extended-A, Greek and
// Cyrillic, which covers what people put in labels; other runes map to
// themselves.
char32_t to_upper_rune(char32_t r);
char32_t to_lower_rune(char32_t r);
// Applies a rune mapping to UTF-8 text (malformed bytes are kept as is).
std::string map_runes(std::string_view text, char32_t (*mapping)(char32_t));

// An approximation of Go's unicode.IsPrint: false for control and format
// characters and private-use code points.
bool is_printable_rune(char32_t r);

}  // namespace kayak::format
