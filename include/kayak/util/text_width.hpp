// Display width of text in a terminal, for cutting long cells the way
// Docker's formatter.Ellipsis does (wide East Asian characters take two
// columns, combining marks none).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kayak::text {

// Columns one code point takes: 0, 1 or 2.
int code_point_width(char32_t c);

// Columns the UTF-8 text takes; a byte that is not valid UTF-8 counts as
// one column.
size_t display_width(std::string_view utf8);

// text when it fits in max_width columns; otherwise its longest prefix of
// whole characters that fits in max_width - 1 columns, followed by "…".
std::string ellipsis(std::string_view utf8, size_t max_width);

}  // namespace kayak::text
