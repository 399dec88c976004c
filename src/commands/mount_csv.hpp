// One CSV record as Go's encoding/csv reads it, which is how Docker reads a
// --mount value: fields split at commas; a field that starts with '"' is
// quoted (commas inside it are data, "" is one quote); a quote anywhere else
// is an error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kayak::commands {

// Throws kayak::Error with Go's texts ("parse error on line 1, column 5:
// bare \" in non-quoted field"); an empty record is "EOF", as in Docker.
std::vector<std::string> parse_csv_record(std::string_view text);

}  // namespace kayak::commands
