// Handlers for the image commands: flags -> options struct -> commands
// module -> rendered output.
#include "kayak/cli/handlers.hpp"

#include "item_report.hpp"
#include "store_paths_of.hpp"

#include "kayak/cli/render.hpp"
#include "kayak/commands/image_import.hpp"
#include "kayak/commands/image_inspect.hpp"
#include "kayak/commands/image_list.hpp"
#include "kayak/commands/image_load.hpp"
#include "kayak/commands/image_pull.hpp"
#include "kayak/commands/image_save.hpp"
#include "kayak/commands/image_tag.hpp"
#include "kayak/commands/info.hpp"
#include "kayak/format/units.hpp"
#include "kayak/store/context.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace kayak::cli {

namespace {

// Headers Docker shows for image fields.
const HeaderMap kImageHeaders = {
  {"ID", "IMAGE ID"}, {"Repository", "REPOSITORY"}, {"Tag", "TAG"}, {"Digest", "DIGEST"},
  {"CreatedSince", "CREATED"}, {"CreatedAt", "CREATED AT"}, {"Size", "SIZE"}, {"VirtualSize", "VIRTUAL SIZE"},
  {"SharedSize", "SHARED SIZE"}, {"UniqueSize", "UNIQUE SIZE"}, {"Containers", "CONTAINERS"},
  {"CreatedBy", "CREATED BY"}, {"Comment", "COMMENT"},
};

// history's first column is "IMAGE", not "IMAGE ID".
HeaderMap history_headers() {
  HeaderMap headers = kImageHeaders;
  headers["ID"] = "IMAGE";
  return headers;
}

void print_line(const std::string& line) { fmt::print("{}\n", line); }

}  // namespace

int handle_image_ls(Invocation& inv) {
  commands::ImageListOptions options;
  options.all = inv.flag("all");
  options.digests = inv.flag("digests");
  options.no_trunc = inv.flag("no-trunc");
  options.filters = inv.values("filter");
  if (inv.args().size() > 1) fail("\"kayak {}\" accepts at most 1 argument", inv.invoked_path());
  if (!inv.args().empty()) options.repository = inv.args()[0];
  store::Store store(paths_of(inv));
  std::vector<json::Value> rows = commands::list_images(store, options);

  if (inv.flag("quiet")) {
    std::vector<std::string> seen;
    for (const auto& row : rows) {
      const std::string& id = row["ID"].as_string();
      if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
      seen.push_back(id);
      print_line(id);
    }
    return 0;
  }
  std::string table = options.digests
                        ? "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
                        : "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
  render_rows(rows, inv.value_or("format", ""), table, kImageHeaders, "image.Summary");
  return 0;
}

int handle_image_tag(Invocation& inv) {
  const auto& args = inv.args();
  if (args.size() < 2) fail("\"kayak {}\" requires at least 2 arguments", inv.invoked_path());
  store::Context ctx(paths_of(inv));
  commands::tag_image(ctx, args[0], std::vector<std::string>(args.begin() + 1, args.end()));
  return 0;
}

int handle_image_rm(Invocation& inv) {
  commands::RemoveOptions options;
  options.images = inv.args();
  options.force = inv.flag("force");
  options.all = inv.flag("all");
  if (options.images.empty() && !options.all) {
    fail("\"kayak {}\" requires at least 1 argument", inv.invoked_path());
  }
  if (options.all && !options.images.empty()) fail("when using the --all switch, you may not pass any images names or IDs");
  store::Context ctx(paths_of(inv));
  int status = 0;
  for (const auto& item : commands::remove_images(ctx, options)) {
    for (const auto& line : item.lines) print_line(line);
    if (!item.error.empty()) {
      fmt::print(stderr, "Error: {}\n", item.error);
      status = add_failure(status, item.exit_code);
    }
  }
  std::fflush(stdout);
  return status;
}

namespace {

int print_inspect(Invocation& inv, const std::vector<commands::InspectItem>& items) {
  std::string format = inv.value_or("format", "");
  int status = 0;
  json::Value array = json::Value::array();
  for (const auto& item : items) {
    if (!item.error.empty()) {
      fmt::print(stderr, "Error: {}\n", item.error);
      status = 125;
      continue;
    }
    if (!format.empty()) {
      render_object(format == "json" ? item.object : commands::template_view(item.object), format,
                    "image.InspectResponse");
    } else {
      array.push_back(item.object);
    }
  }
  if (format.empty()) {
    fmt::print("{}\n", json::dump(array, {.indent = 4}));
  }
  return status;
}

}  // namespace

int handle_image_inspect(Invocation& inv) {
  if (inv.args().empty()) fail("\"kayak {}\" requires at least 1 argument", inv.invoked_path());
  store::Context ctx(paths_of(inv));
  return print_inspect(inv, commands::inspect_images(ctx.store(), inv.args(), ctx.driver().name));
}

// handle_inspect (containers first, then images) lives in container_handlers.cpp.

int handle_image_save(Invocation& inv) {
  commands::SaveOptions options;
  options.images = inv.args();
  options.output = inv.value_or("output", "");
  options.format = inv.value_or("format", "docker-archive");
  if (options.images.empty()) fail("\"kayak {}\" requires at least 1 argument", inv.invoked_path());
  store::Store store(paths_of(inv));
  commands::save_images(store, options);
  return 0;
}

int handle_image_load(Invocation& inv) {
  commands::LoadOptions options;
  options.input = inv.value_or("input", "");
  options.quiet = inv.flag("quiet");
  store::Context ctx(paths_of(inv));
  commands::LoadReport report = commands::load_images(ctx, options);
  for (const auto& name : report.loaded_names) print_line("Loaded image: " + name);
  for (const auto& id : report.loaded_ids) print_line("Loaded image ID: " + id);
  return 0;
}

int handle_image_import(Invocation& inv) {
  const auto& args = inv.args();
  if (args.empty() || args.size() > 2) fail("\"kayak {}\" requires 1 or 2 arguments", inv.invoked_path());
  commands::ImportOptions options;
  options.source = args[0];
  if (args.size() == 2) options.reference = args[1];
  options.changes = inv.values("change");
  options.message = inv.value_or("message", "");
  store::Context ctx(paths_of(inv));
  print_line(commands::import_image(ctx, options));
  return 0;
}

int handle_image_history(Invocation& inv) {
  if (inv.args().size() != 1) fail("\"kayak {}\" requires exactly 1 argument", inv.invoked_path());
  commands::HistoryOptions options;
  options.human = inv.flag("human");
  options.no_trunc = inv.flag("no-trunc");
  store::Store store(paths_of(inv));
  auto rows = commands::image_history(store, inv.args()[0], options);
  if (inv.flag("quiet")) {
    for (const auto& row : rows) print_line(row["ID"].as_string());
    return 0;
  }
  render_rows(rows, inv.value_or("format", ""),
              "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}", history_headers(), "image.HistoryResponseItem");
  return 0;
}

int handle_image_prune(Invocation& inv) {
  commands::PruneOptions options;
  options.all = inv.flag("all");
  options.filters = inv.values("filter");
  if (!inv.flag("force")) {
    fmt::print("WARNING! This will remove all {}.\nAre you sure you want to continue? [y/N] ",
               options.all ? "images without at least one container associated to them" : "dangling images");
    std::fflush(stdout);
    char answer[16] = {};
    if (!std::fgets(answer, sizeof answer, stdin) || (answer[0] != 'y' && answer[0] != 'Y')) return 0;
  }
  store::Context ctx(paths_of(inv));
  commands::PruneReport report = commands::prune_images(ctx, options);
  if (!report.lines.empty()) {
    print_line("Deleted Images:");
    for (const auto& line : report.lines) print_line(line);
    print_line("");
  }
  print_line("Total reclaimed space: " + format::human_size(report.reclaimed));
  return 0;
}

namespace {

// pull from a registry: progress on stderr (from the commands module),
// the reference alone on stdout, as Docker's CLI prints it.
int pull_registry(Invocation& inv) {
  commands::RegistryPullOptions options;
  options.reference = inv.args()[0];
  options.quiet = inv.flag("quiet");
  options.all_tags = inv.flag("all-tags");
  options.platform.platform = inv.value_or("platform", "");
  options.platform.os = inv.value_or("os", "");
  options.platform.arch = inv.value_or("arch", "");
  options.platform.variant = inv.value_or("variant", "");
  if (inv.is_set("tls-verify")) options.tls_verify = inv.flag("tls-verify");
  options.authfile = inv.value_or("authfile", "");
  if (inv.is_set("max-parallel")) {
    std::string text = inv.value_or("max-parallel", "");
    auto n = str::parse_int(text);
    if (!n || *n < 1) fail("invalid argument \"{}\" for \"--max-parallel\" flag: must be a positive number", text);
    options.max_parallel = static_cast<int>(*n);
  }
  store::Context ctx(paths_of(inv));
  commands::RegistryPullReport report = commands::pull_from_registry(ctx, options);
  print_line(report.reference);
  return 0;
}

}  // namespace

int handle_image_pull(Invocation& inv) {
  if (inv.args().size() != 1) fail("\"kayak {}\" requires exactly 1 argument", inv.invoked_path());
  if (commands::is_registry_source(inv.args()[0])) return pull_registry(inv);
  commands::PullOptions options;
  options.source = inv.args()[0];
  options.quiet = inv.flag("quiet");
  store::Context ctx(paths_of(inv));
  commands::PullReport report = commands::pull_image(ctx, options);
  if (!options.quiet) {
    for (const auto& name : report.names) fmt::print(stderr, "Pulled {}\n", name);
  }
  for (const auto& id : report.ids) print_line(id);
  return 0;
}

int handle_info(Invocation& inv) {
  store::Context ctx(paths_of(inv));
  json::Value info = commands::system_info(ctx);
  std::string format = inv.value_or("format", "");
  if (format.empty()) {
    fmt::print("{}", commands::render_info(info));
  } else {
    render_object(info, format, "system.Info");
  }
  return 0;
}

}  // namespace kayak::cli
