// Command table rows: push.
#include "table_rows.hpp"

#include "push_handlers.hpp"

namespace kayak::cli::rows {

std::vector<Command> push_commands() {
  return {
    {
      .names = {"image push", "push"},
      .usage = "IMAGE [DESTINATION]",
      .summary = "Push an image to a registry or a local transport",
      .handler = handle_push,
      .args = at_least(1),
      .flags = {
        {.name = "authfile", .type = FlagType::String,
         .description = "Path of the authentication file. Use REGISTRY_AUTH_FILE environment "
                        "variable to override", .complete = Complete::Files},
        {.name = "compression-format", .type = FlagType::String,
         .description = "Compression for layers stored uncompressed, and for all layers when given (gzip, zstd)",
         .default_value = "gzip", .value_name = "string", .choices = {"gzip", "zstd"}},
        {.name = "quiet", .shorthand = 'q', .description = "Suppress verbose output"},
        {.name = "tls-verify",
         .description = "Require HTTPS and verify certificates when contacting registries",
         .default_value = "true"},
      },
      .description = "DESTINATION is a registry reference (127.0.0.1:5000/x/y:tag, docker://quay.io/x/y) or a local\n"
                     "transport; without it the image is pushed to the registry its name says.\n"
                     "  oci:DIR[:REF]               a new OCI image layout directory\n"
                     "  oci-archive:FILE[:REF]      a tar of an OCI image layout\n"
                     "  docker-archive:FILE[:REF]   an archive as docker save writes it",
      .arg_complete = {Complete::Images, Complete::None},
    },
  };
}

}  // namespace kayak::cli::rows
