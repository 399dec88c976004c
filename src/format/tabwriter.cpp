// Go's text/tabwriter layout. The recursion mirrors its format(): each call
// finds the next block of lines that share a column at depth widths.size(),
// sizes that column, and lays out the block's further columns recursively,
// so a short line ends every column to its right (that is what keeps
// unrelated paragraphs of output from aligning with each other).
#include "kayak/format/tabwriter.hpp"

#include <algorithm>
#include <vector>

#include "utf8.hpp"

namespace kayak::format {
namespace {

struct Cell {
  std::string_view text;
  size_t width;  // in runes
};

class Layout {
public:
  Layout(std::string_view text, const TabWriterOptions& options) : options_(options) {
    size_t start = 0;
    while (true) {
      size_t end = text.find('\n', start);
      std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
      std::vector<Cell> cells;
      size_t cell_start = 0;
      while (true) {
        size_t tab = line.find('\t', cell_start);
        std::string_view cell = line.substr(cell_start, tab == std::string_view::npos ? std::string_view::npos
                                                                                      : tab - cell_start);
        cells.push_back({cell, utf8_length(cell)});
        if (tab == std::string_view::npos) break;
        cell_start = tab + 1;
      }
      lines_.push_back(std::move(cells));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
  }

  std::string run() {
    format(0, lines_.size());
    return std::move(out_);
  }

private:
  // Whether line has a tab-terminated cell at `column` (its last cell never is).
  bool has_column(size_t line, size_t column) const { return column + 1 < lines_[line].size(); }

  void format(size_t line0, size_t line1) {
    size_t column = widths_.size();
    for (size_t row = line0; row < line1; ++row) {
      if (!has_column(row, column)) continue;
      write_lines(line0, row);
      line0 = row;
      size_t width = options_.min_width;
      for (; row < line1 && has_column(row, column); ++row) {
        width = std::max(width, lines_[row][column].width + options_.padding);
      }
      widths_.push_back(width);
      format(line0, row);
      widths_.pop_back();
      line0 = row;
      // `row` is a line without this column; the loop's ++row skips it,
      // which is right: it cannot start a new block here.
      if (row >= line1) break;
    }
    write_lines(line0, line1);
  }

  void write_lines(size_t line0, size_t line1) {
    for (size_t row = line0; row < line1; ++row) {
      const auto& cells = lines_[row];
      for (size_t j = 0; j < cells.size(); ++j) {
        out_ += cells[j].text;
        if (j < widths_.size() && widths_[j] > cells[j].width) out_.append(widths_[j] - cells[j].width, ' ');
      }
      // The text's last line has no newline of its own.
      if (row + 1 < lines_.size()) out_ += '\n';
    }
  }

  TabWriterOptions options_;
  std::vector<std::vector<Cell>> lines_;
  std::vector<size_t> widths_;
  std::string out_;
};

}  // namespace

std::string tabwrite(std::string_view text, const TabWriterOptions& options) {
  return Layout(text, options).run();
}

}  // namespace kayak::format
