#include "utf8.hpp"

namespace kayak::format {

char32_t decode_utf8(std::string_view text, size_t& length) {
  length = 1;
  if (text.empty()) return kInvalidRune;
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char c = byte(0);
  if (c < 0x80) return c;
  size_t need;
  char32_t rune;
  char32_t min;
  if ((c & 0xe0) == 0xc0) { need = 1; rune = c & 0x1f; min = 0x80; }
  else if ((c & 0xf0) == 0xe0) { need = 2; rune = c & 0x0f; min = 0x800; }
  else if ((c & 0xf8) == 0xf0) { need = 3; rune = c & 0x07; min = 0x10000; }
  else return kInvalidRune;
  if (text.size() <= need) return kInvalidRune;
  for (size_t i = 1; i <= need; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return kInvalidRune;
    rune = (rune << 6) | (byte(i) & 0x3f);
  }
  // Overlong forms, surrogates and out-of-range values are malformed.
  if (rune < min || rune > 0x10ffff || (rune >= 0xd800 && rune < 0xe000)) return kInvalidRune;
  length = need + 1;
  return rune;
}

void append_utf8(std::string& out, char32_t r) {
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xc0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3f));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xe0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (r & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (r & 0x3f));
  }
}

size_t utf8_length(std::string_view text) {
  size_t runes = 0;
  for (size_t i = 0; i < text.size(); ++runes) {
    size_t len = 0;
    decode_utf8(text.substr(i), len);
    i += len;
  }
  return runes;
}

std::string_view utf8_prefix(std::string_view text, size_t runes) {
  size_t i = 0;
  for (size_t n = 0; n < runes && i < text.size(); ++n) {
    size_t len = 0;
    decode_utf8(text.substr(i), len);
    i += len;
  }
  return text.substr(0, i);
}

}  // namespace kayak::format
