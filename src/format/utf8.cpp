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

char32_t to_upper_rune(char32_t r) {
  if (r >= 'a' && r <= 'z') return r - 32;
  if (r < 0x80) return r;
  if ((r >= 0xe0 && r <= 0xfe && r != 0xf7)) return r - 0x20;
  if (r == 0xff) return 0x178;
  if (r >= 0x100 && r <= 0x17f && r != 0x130 && r != 0x131 && r != 0x138 && r != 0x149 && r != 0x17f) {
    // Latin Extended-A alternates upper/lower, with the parity flipping
    // between U+0139 and U+0148.
    bool flipped = (r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17e);
    bool is_lower = flipped ? (r % 2 == 0) : (r % 2 == 1);
    return is_lower ? r - 1 : r;
  }
  if (r >= 0x3b1 && r <= 0x3c9 && r != 0x3c2) return r - 0x20;
  if (r == 0x3c2) return 0x3a3;
  if (r >= 0x430 && r <= 0x44f) return r - 0x20;
  if (r >= 0x450 && r <= 0x45f) return r - 0x50;
  return r;
}

char32_t to_lower_rune(char32_t r) {
  if (r >= 'A' && r <= 'Z') return r + 32;
  if (r < 0x80) return r;
  if (r >= 0xc0 && r <= 0xde && r != 0xd7) return r + 0x20;
  if (r == 0x178) return 0xff;
  if (r >= 0x100 && r <= 0x17f && r != 0x130 && r != 0x131 && r != 0x138 && r != 0x149 && r != 0x17f) {
    bool flipped = (r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17e);
    bool is_upper = flipped ? (r % 2 == 1) : (r % 2 == 0);
    return is_upper ? r + 1 : r;
  }
  if (r >= 0x391 && r <= 0x3a9 && r != 0x3a2) return r + 0x20;
  if (r >= 0x410 && r <= 0x42f) return r + 0x20;
  if (r >= 0x400 && r <= 0x40f) return r + 0x50;
  return r;
}

std::string map_runes(std::string_view text, char32_t (*mapping)(char32_t)) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t len = 0;
    char32_t r = decode_utf8(text.substr(i), len);
    if (r == kInvalidRune) out += text[i];
    else append_utf8(out, mapping(r));
    i += len;
  }
  return out;
}

bool is_printable_rune(char32_t r) {
  if (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xad) return false;
  if ((r >= 0x200b && r <= 0x200f) || (r >= 0x2028 && r <= 0x202e) || (r >= 0x2060 && r <= 0x206f)) return false;
  if (r == 0xfeff || (r >= 0xfff9 && r <= 0xfffb)) return false;
  if ((r >= 0xd800 && r <= 0xf8ff) || r >= 0xf0000 || r > 0x10ffff) return false;
  return true;
}

}  // namespace kayak::format
