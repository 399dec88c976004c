// Command table rows: login and logout.
#include "table_rows.hpp"

#include "registry_handlers.hpp"

namespace kayak::cli::rows {

namespace {

Flag authfile_flag() {
  return {.name = "authfile", .type = FlagType::String,
          .description = "Path of the authentication file (default ${XDG_RUNTIME_DIR}/containers/auth.json, "
                         "env REGISTRY_AUTH_FILE)",
          .value_name = "string", .complete = Complete::Files};
}

}  // namespace

std::vector<Command> registry_commands() {
  return {
    {
      .names = {"login"},
      .usage = "[SERVER]",
      .summary = "Log in to a registry",
      .handler = handle_login,
      .args = at_most(1),
      .flags = {
        authfile_flag(),
        {.name = "cert-dir", .type = FlagType::String,
         .description = "Use certificates at the specified path to access the registry", .value_name = "string", .complete = Complete::Directories},
        {.name = "get-login", .description = "Return the current login user for the registry"},
        {.name = "password", .shorthand = 'p', .type = FlagType::String, .description = "Password",
         .value_name = "string"},
        {.name = "password-stdin", .description = "Take the password from stdin"},
        {.name = "tls-verify", .description = "Require HTTPS and verify certificates when contacting registries",
         .default_value = "true"},
        {.name = "username", .shorthand = 'u', .type = FlagType::String, .description = "Username",
         .value_name = "string"},
      },
      .description = "Log in to a registry. If no server is specified, Docker Hub (docker.io) is used.\n"
                     "The credentials are checked against the registry before they are saved.",
    },
    {
      .names = {"logout"},
      .usage = "[SERVER]",
      .summary = "Log out from a registry",
      .handler = handle_logout,
      .args = at_most(1),
      .flags = {
        {.name = "all", .shorthand = 'a', .description = "Remove the cached credentials for all registries in the auth file"},
        authfile_flag(),
      },
      .description = "Log out from a registry. If no server is specified, Docker Hub (docker.io) is used.",
    },
  };
}

}  // namespace kayak::cli::rows
