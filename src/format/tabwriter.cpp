// Go's text/tabwriter layout. Its format() finds the next block of lines
// that share a column, sizes that column, and lays out the block's further
// columns the same way, so a short line ends every column to its right
// (that is what keeps unrelated paragraphs of output from aligning).
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
    format();
    return std::move(out_);
  }

private:
  // Whether line has a tab-terminated cell at `column` (its last cell never is).
  bool has_column(size_t line, size_t column) const { return column + 1 < lines_[line].size(); }

  // Go's recursive format(), with an explicit stack so that a line with
  // thousands of tabs cannot exhaust the call stack. Frame i lays out
  // lines [line0, line1) at column i; widths_ holds the widths of the
  // columns to its left.
  void format() {
    struct Frame {
      size_t line0, line1, row;
    };
    std::vector<Frame> stack{{0, lines_.size(), 0}};
    while (!stack.empty()) {
      size_t top = stack.size() - 1;
      size_t column = widths_.size();
      Frame& f = stack[top];
      while (f.row < f.line1 && !has_column(f.row, column)) ++f.row;
      if (f.row >= f.line1) {
        // No further block at this column: flush what is left and return
        // to the caller, which resumes after the block it delegated.
        write_lines(f.line0, f.line1);
        stack.pop_back();
        if (!stack.empty()) {
          widths_.pop_back();
          stack.back().line0 = stack.back().row;
        }
        continue;
      }
      write_lines(f.line0, f.row);
      f.line0 = f.row;
      // The block: consecutive lines that have this column.
      size_t width = options_.min_width;
      size_t end = f.row;
      for (; end < f.line1 && has_column(end, column); ++end) {
        width = std::max(width, lines_[end][column].width + options_.padding);
      }
      widths_.push_back(width);
      size_t block_start = f.line0;
      f.row = end;
      stack.push_back({block_start, end, block_start});
    }
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
