// Command table rows: search.
#include "table_rows.hpp"

#include "search_handlers.hpp"

namespace kayak::cli::rows {

std::vector<Command> search_commands() {
  return {
    {
      .names = {"search"},
      .usage = "TERM",
      .summary = "Search a registry for images",
      .handler = handle_search,
      .args = exactly(1),
      .flags = {
        {.name = "authfile", .type = FlagType::String,
         .description = "Path of the authentication file (default: the files login writes and reads)",
         .value_name = "string", .complete = Complete::Files},
        {.name = "filter", .shorthand = 'f', .type = FlagType::StringList,
         .description = "Filter output based on conditions provided\n"
                        "(stars=N, is-official=true|false, is-automated=true|false)",
         .value_name = "filter"},
        {.name = "format", .type = FlagType::String,
         .description = "Pretty-print search using a Go template\n"
                        "(fields: Index, Name, Description, Stars, Official, Automated, Tag)"},
        {.name = "limit", .type = FlagType::String,
         .description = "Max number of search results, 1 to 100 (default 25; with --list-tags: all tags)",
         .value_name = "int"},
        {.name = "list-tags", .description = "List the tags of the repository TERM names"},
        {.name = "no-trunc", .description = "Don't truncate output"},
        {.name = "tls-verify",
         .description = "Require HTTPS and verify certificates when contacting registries",
         .default_value = "true"},
      },
      .description = "TERM is searched on Docker Hub unless it starts with a registry\n"
                     "(quay.io/TERM, 127.0.0.1:5000/TERM). Registries without Docker Hub's\n"
                     "search API are searched through their catalog.",
    },
  };
}

}  // namespace kayak::cli::rows
