// Column alignment as Go's text/tabwriter does it, with the settings Docker
// uses for every table: NewWriter(out, minwidth 10, tabwidth 1, padding 3,
// padchar ' ', flags 0).
//
// Cells are terminated by '\t'; the text after the last tab of a line is not
// part of any column and is never padded. A column is a run of consecutive
// lines that all have a tab-terminated cell at that index; its width is the
// widest cell (in runes) plus padding, and at least min_width.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kayak::format {

struct TabWriterOptions {
  size_t min_width = 10;
  size_t padding = 3;
};

std::string tabwrite(std::string_view text, const TabWriterOptions& options = {});

}  // namespace kayak::format
