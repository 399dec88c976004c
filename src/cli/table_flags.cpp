// Flags shared by rows of several command groups.
#include "table_rows.hpp"

namespace kayak::cli::rows {

// --format, in the flavours Docker describes per command.
Flag format_table_flag() {
  return {
    .name = "format", .type = FlagType::String,
    .description = "Format output using a custom template:\n"
                   "'table':            Print output in table format with column headers (default)\n"
                   "'table TEMPLATE':   Print output in table format using the given Go template\n"
                   "'json':             Print in JSON format\n"
                   "'TEMPLATE':         Print output using the given Go template",
    .complete = Complete::FormatFields,
  };
}
Flag format_json_flag() {
  return {
    .name = "format", .shorthand = 'f', .type = FlagType::String,
    .description = "Format output using a custom template:\n"
                   "'json':             Print in JSON format\n"
                   "'TEMPLATE':         Print output using the given Go template",
    .complete = Complete::FormatFields,
  };
}

}  // namespace kayak::cli::rows
