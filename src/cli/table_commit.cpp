// Command table rows: the commands that read a container's file system
// (commit, diff, export, cp) under "container" and at the top level.
#include "table_rows.hpp"

#include "commit_handlers.hpp"

namespace kayak::cli::rows {

std::vector<Command> commit_commands() {
  return {
    {
      .names = {"container commit", "commit"},
      .usage = "CONTAINER [REPOSITORY[:TAG]]",
      .summary = "Create a new image from a container's changes",
      .handler = handle_container_commit,
      .args = between(1, 2),
      .flags = {
        {.name = "author", .shorthand = 'a', .type = FlagType::String,
         .description = "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")"},
        {.name = "change", .shorthand = 'c', .type = FlagType::StringList,
         .description = "Apply Dockerfile instruction to the created image\n"
                        "(CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR)",
         .value_name = "list"},
        {.name = "message", .shorthand = 'm', .type = FlagType::String, .description = "Commit message"},
        {.name = "pause", .shorthand = 'p', .description = "Pause container during commit",
         .default_value = "true"},
      },
      .arg_complete = {Complete::Containers, Complete::None},
    },
    {
      .names = {"container diff", "diff"},
      .usage = "CONTAINER",
      .summary = "Inspect changes to files or directories on a container's filesystem",
      .handler = handle_container_diff,
      .args = exactly(1),
      .flags = {
        {.name = "format", .type = FlagType::String, .description = "Change the output format (json)",
         .choices = {"json"}},
      },
      .arg_complete = {Complete::Containers},
    },
    {
      .names = {"container export", "export"},
      .usage = "CONTAINER",
      .summary = "Export a container's filesystem as a tar archive",
      .handler = handle_container_export,
      .args = exactly(1),
      .flags = {
        {.name = "output", .shorthand = 'o', .type = FlagType::String,
         .description = "Write to a file, instead of STDOUT", .complete = Complete::Files},
      },
      .arg_complete = {Complete::Containers},
    },
    {
      .names = {"container cp", "cp"},
      .usage = "CONTAINER:SRC_PATH DEST_PATH|-\n       kayak cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
      .summary = "Copy files/folders between a container and the local filesystem",
      .handler = handle_container_cp,
      .args = exactly(2),
      .flags = {
        {.name = "archive", .shorthand = 'a', .description = "Archive mode (copy all uid/gid information)"},
        {.name = "follow-link", .shorthand = 'L', .description = "Always follow symbol link in SRC_PATH"},
      },
      .description = "Use '-' as the source to read a tar archive from stdin and extract it to a directory\n"
                     "destination in a container. Use '-' as the destination to stream a tar archive of a\n"
                     "container source to stdout.",
      .arg_complete = {Complete::Files},
    },
  };
}

}  // namespace kayak::cli::rows
