// Command table rows: the image group and its top-level aliases.
#include "table_rows.hpp"

#include "kayak/cli/handlers.hpp"

namespace kayak::cli::rows {

std::vector<Command> image_commands() {
  return {
    {
      .names = {"image"},
      .usage = "COMMAND",
      .summary = "Manage images",
      .group = true,
    },
    // Images.
    {
      .names = {"image ls", "image list", "images"},
      .usage = "[REPOSITORY[:TAG]]",
      .summary = "List images",
      .handler = handle_image_ls,
      .args = at_most(1),
      .flags = {
        {.name = "all", .shorthand = 'a',
         .description = "Show all images (default hides intermediate images)"},
        {.name = "digests", .description = "Show digests"},
        {.name = "filter", .shorthand = 'f', .type = FlagType::StringList,
         .description = "Filter output based on conditions provided\n"
                        "(dangling=true|false, reference=PATTERN, before=IMAGE, since=IMAGE)",
         .value_name = "filter"},
        format_table_flag(),
        {.name = "no-trunc", .description = "Don't truncate output"},
        {.name = "quiet", .shorthand = 'q', .description = "Only show image IDs"},
      },
      .arg_complete = {Complete::Images, Complete::None},
    },
    {
      .names = {"image rm", "image remove", "rmi"},
      .usage = "IMAGE [IMAGE...]",
      .summary = "Remove one or more images",
      .handler = handle_image_rm,
      .args = any_args(),  // -a takes none; the handler checks the combination
      .flags = {
        {.name = "all", .shorthand = 'a', .description = "Remove all images"},
        {.name = "force", .shorthand = 'f', .description = "Force removal of the image"},
      },
      .arg_complete = {Complete::Images},
    },
    {
      .names = {"image tag", "tag"},
      .usage = "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG] [TARGET_IMAGE[:TAG]...]",
      .summary = "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
      .handler = handle_image_tag,
      .args = at_least(2),
      .arg_complete = {Complete::Images, Complete::None},
    },
    {
      .names = {"image inspect"},
      .usage = "IMAGE [IMAGE...]",
      .summary = "Display detailed information on one or more images",
      .handler = handle_image_inspect,
      .args = at_least(1),
      .flags = {format_json_flag()},
      .arg_complete = {Complete::Images},
    },
    {
      .names = {"inspect"},
      .usage = "NAME|ID [NAME|ID...]",
      .summary = "Return low-level information on kayak objects",
      .handler = handle_inspect,
      .args = at_least(1),
      .flags = {
        format_json_flag(),
        {.name = "size", .shorthand = 's', .description = "Display total file sizes if the type is container"},
        {.name = "type", .type = FlagType::String,
         .description = "Return JSON for specified type",
         .choices = {"all", "container", "image"}},
      },
      .arg_complete = {Complete::ContainersAndImages},
    },
    {
      .names = {"image save", "save"},
      .usage = "IMAGE [IMAGE...]",
      .summary = "Save one or more images to a tar archive (streamed to STDOUT by default)",
      .handler = handle_image_save,
      .args = at_least(1),
      .flags = {
        {.name = "format", .type = FlagType::String,
         .description = "Archive format: docker-archive or oci-archive",
         .default_value = "docker-archive",
         .choices = {"docker-archive", "oci-archive"}},
        {.name = "output", .shorthand = 'o', .type = FlagType::String,
         .description = "Write to a file, instead of STDOUT", .complete = Complete::Files},
        {.name = "quiet", .shorthand = 'q', .description = "Suppress the output"},
      },
      .arg_complete = {Complete::Images},
    },
    {
      .names = {"image load", "load"},
      .usage = "",
      .summary = "Load an image from a tar archive or STDIN",
      .handler = handle_image_load,
      .args = no_args(),
      .flags = {
        {.name = "input", .shorthand = 'i', .type = FlagType::String,
         .description = "Read from tar archive file, instead of STDIN", .complete = Complete::Files},
        {.name = "quiet", .shorthand = 'q', .description = "Suppress the load output"},
      },
      .description = "Reads docker-archive (Docker and Podman layouts), OCI layout and\n"
                     "oci-archive files, plain or compressed with gzip, bzip2, xz or zstd.",
    },
    {
      .names = {"image import", "import"},
      .usage = "FILE|- [REPOSITORY[:TAG]]",
      .summary = "Import the contents from a tarball to create a filesystem image",
      .handler = handle_image_import,
      .args = between(1, 2),
      .flags = {
        {.name = "change", .shorthand = 'c', .type = FlagType::StringList,
         .description = "Apply Dockerfile instruction to the created image\n"
                        "(CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR)",
         .value_name = "list"},
        {.name = "message", .shorthand = 'm', .type = FlagType::String,
         .description = "Set commit message for imported image"},
      },
      .arg_complete = {Complete::Files, Complete::None},
    },
    {
      .names = {"image history", "history"},
      .usage = "IMAGE",
      .summary = "Show the history of an image",
      .handler = handle_image_history,
      .args = exactly(1),
      .flags = {
        format_table_flag(),
        {.name = "human", .shorthand = 'H',
         .description = "Print sizes and dates in human readable format",
         .default_value = "true"},
        {.name = "no-trunc", .description = "Don't truncate output"},
        {.name = "quiet", .shorthand = 'q', .description = "Only show image IDs"},
      },
      .arg_complete = {Complete::Images},
    },
    {
      .names = {"image prune"},
      .usage = "",
      .summary = "Remove unused images",
      .handler = handle_image_prune,
      .args = no_args(),
      .flags = {
        {.name = "all", .shorthand = 'a',
         .description = "Remove all unused images, not just dangling ones"},
        {.name = "filter", .type = FlagType::StringList,
         .description = "Provide filter values (e.g. \"until=<timestamp>\")",
         .value_name = "filter"},
        {.name = "force", .shorthand = 'f', .description = "Do not prompt for confirmation"},
      },
    },
    {
      .names = {"image pull", "pull"},
      .usage = "NAME[:TAG|@DIGEST]",
      .summary = "Download an image from a registry or a local transport",
      .handler = handle_image_pull,
      .args = at_least(1),
      .flags = {
        {.name = "all-tags", .shorthand = 'a',
         .description = "Download all tagged images in the repository"},
        {.name = "arch", .type = FlagType::String,
         .description = "Use ARCH instead of the architecture of the machine for choosing images",
         .value_name = "ARCH"},
        {.name = "authfile", .type = FlagType::String,
         .description = "Path of the authentication file. Use REGISTRY_AUTH_FILE environment "
                        "variable to override", .complete = Complete::Files},
        {.name = "max-parallel", .type = FlagType::String,
         .description = "Number of layers downloaded at once", .default_value = "3", .value_name = "int"},
        {.name = "os", .type = FlagType::String,
         .description = "Use OS instead of the running OS for choosing images",
         .value_name = "OS"},
        {.name = "platform", .type = FlagType::String,
         .description = "Set platform if the image has several (OS/ARCH[/VARIANT])"},
        {.name = "quiet", .shorthand = 'q', .description = "Suppress verbose output"},
        {.name = "tls-verify",
         .description = "Require HTTPS and verify certificates when contacting registries",
         .default_value = "true"},
        {.name = "variant", .type = FlagType::String,
         .description = "Use VARIANT instead of the running architecture variant for choosing images",
         .value_name = "VARIANT"},
      },
      .description = "NAME is a registry reference (nginx, docker://quay.io/x/y:tag, 127.0.0.1:5000/x@sha256:...)\n"
                     "or a local transport:\n"
                     "  oci:DIR[:REF]               an OCI image layout directory\n"
                     "  oci-archive:FILE[:REF]      a tar of an OCI image layout\n"
                     "  docker-archive:FILE[:REF]   an archive written by docker save",
    },
  };
}

}  // namespace kayak::cli::rows
