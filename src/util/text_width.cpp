#include "kayak/util/text_width.hpp"

#include <array>
#include <utility>

namespace kayak::text {

namespace {

struct Range {
  char32_t first, last;
};

// Combining marks and zero-width characters (the ones descriptions use).
constexpr std::array kZeroWidth{
  Range{0x0300, 0x036F}, Range{0x0483, 0x0489}, Range{0x0591, 0x05BD}, Range{0x0610, 0x061A},
  Range{0x064B, 0x065F}, Range{0x1AB0, 0x1AFF}, Range{0x1DC0, 0x1DFF}, Range{0x200B, 0x200F},
  Range{0x20D0, 0x20FF}, Range{0xFE00, 0xFE0F}, Range{0xFE20, 0xFE2F},
};

// East Asian Wide and Fullwidth blocks, and the emoji blocks terminals draw
// two columns wide.
constexpr std::array kWide{
  Range{0x1100, 0x115F},   Range{0x2E80, 0x303E},   Range{0x3041, 0x33FF},   Range{0x3400, 0x4DBF},
  Range{0x4E00, 0x9FFF},   Range{0xA000, 0xA4CF},   Range{0xAC00, 0xD7A3},   Range{0xF900, 0xFAFF},
  Range{0xFE30, 0xFE4F},   Range{0xFF00, 0xFF60},   Range{0xFFE0, 0xFFE6},   Range{0x1F300, 0x1F64F},
  Range{0x1F900, 0x1F9FF}, Range{0x20000, 0x2FFFD}, Range{0x30000, 0x3FFFD},
};

template <size_t N>
bool in(const std::array<Range, N>& ranges, char32_t c) {
  for (const auto& r : ranges) {
    if (c >= r.first && c <= r.last) return true;
  }
  return false;
}

// Decodes the code point at text[pos]; returns it and its length in bytes.
// Invalid or truncated sequences yield (U+FFFD, 1).
std::pair<char32_t, size_t> decode(std::string_view text, size_t pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char b = byte(pos);
  if (b < 0x80) return {b, 1};
  size_t length = 0;
  char32_t c = 0;
  if ((b & 0xE0) == 0xC0) {
    length = 2, c = b & 0x1F;
  } else if ((b & 0xF0) == 0xE0) {
    length = 3, c = b & 0x0F;
  } else if ((b & 0xF8) == 0xF0) {
    length = 4, c = b & 0x07;
  } else {
    return {0xFFFD, 1};
  }
  if (pos + length > text.size()) return {0xFFFD, 1};
  for (size_t i = 1; i < length; ++i) {
    unsigned char next = byte(pos + i);
    if ((next & 0xC0) != 0x80) return {0xFFFD, 1};
    c = (c << 6) | (next & 0x3F);
  }
  return {c, length};
}

}  // namespace

int code_point_width(char32_t c) {
  if (c == 0) return 0;
  if (in(kZeroWidth, c)) return 0;
  if (in(kWide, c)) return 2;
  return 1;
}

size_t display_width(std::string_view utf8) {
  size_t width = 0;
  for (size_t pos = 0; pos < utf8.size();) {
    auto [c, length] = decode(utf8, pos);
    width += static_cast<size_t>(code_point_width(c));
    pos += length;
  }
  return width;
}

std::string ellipsis(std::string_view utf8, size_t max_width) {
  if (display_width(utf8) <= max_width) return std::string(utf8);
  if (max_width == 0) return "";
  size_t width = 0, pos = 0;
  while (pos < utf8.size()) {
    auto [c, length] = decode(utf8, pos);
    size_t w = static_cast<size_t>(code_point_width(c));
    if (width + w > max_width - 1) break;
    width += w;
    pos += length;
  }
  return std::string(utf8.substr(0, pos)) + "…";
}

}  // namespace kayak::text
