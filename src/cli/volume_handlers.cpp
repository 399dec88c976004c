// Handlers for the volume commands: flags -> commands module -> output.
#include "volume_handlers.hpp"

#include "item_report.hpp"
#include "store_paths_of.hpp"

#include "kayak/cli/render.hpp"
#include "kayak/commands/volume.hpp"
#include "kayak/format/units.hpp"
#include "kayak/store/context.hpp"
#include "kayak/util/error.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace kayak::cli {

namespace {

const HeaderMap kVolumeHeaders = {
  {"Name", "VOLUME NAME"}, {"Driver", "DRIVER"}, {"Scope", "SCOPE"}, {"Mountpoint", "MOUNTPOINT"},
  {"Labels", "LABELS"}, {"Links", "LINKS"}, {"Size", "SIZE"}, {"Group", "GROUP"},
  {"Availability", "AVAILABILITY"}, {"Status", "STATUS"},
};

void print_line(const std::string& line) { fmt::print("{}\n", line); }

// Prints each failed item's error; the batch's exit code (add_failure).
int report_errors(const std::vector<commands::VolumeItem>& items) {
  int status = 0;
  for (const auto& item : items) {
    if (item.error.empty()) continue;
    std::fflush(stdout);
    fmt::print(stderr, "Error: {}\n", item.error);
    status = add_failure(status, item.exit_code);
  }
  return status;
}

}  // namespace

int handle_volume_create(Invocation& inv) {
  commands::VolumeCreateOptions options;
  if (!inv.args().empty()) options.name = inv.args()[0];
  options.driver = inv.value_or("driver", "local");
  options.labels = inv.values("label");
  options.opts = inv.values("opt");
  options.ignore_existing = inv.flag("ignore");
  store::Context ctx(paths_of(inv));
  print_line(commands::create_volume(ctx, options));
  return 0;
}

int handle_volume_ls(Invocation& inv) {
  store::Store store(paths_of(inv));
  auto rows = commands::list_volumes(store, inv.values("filter"));
  if (inv.flag("quiet")) {
    for (const auto& row : rows) print_line(row["Name"].as_string());
    return 0;
  }
  render_rows(rows, inv.value_or("format", ""), "table {{.Driver}}\t{{.Name}}", kVolumeHeaders, "volume.Volume");
  return 0;
}

int handle_volume_inspect(Invocation& inv) {
  store::Store store(paths_of(inv));
  auto items = commands::inspect_volumes(store, inv.args());
  std::string format = inv.value_or("format", "");
  json::Value array = json::Value::array();
  for (const auto& item : items) {
    if (!item.error.empty()) continue;
    if (format.empty()) array.push_back(item.object);
    else render_object(item.object, format, "volume.Volume");
  }
  if (format.empty()) print_line(json::dump(array, {.indent = 4}));
  return report_errors(items);
}

int handle_volume_rm(Invocation& inv) {
  store::Context ctx(paths_of(inv));
  auto items = commands::remove_volumes(ctx, inv.args(), inv.flag("force"));
  for (const auto& item : items) {
    if (item.error.empty()) print_line(item.name);
  }
  return report_errors(items);
}

int handle_volume_prune(Invocation& inv) {
  commands::VolumePruneOptions options;
  options.all = inv.flag("all");
  options.filters = inv.values("filter");
  if (!inv.flag("force")) {
    fmt::print("WARNING! This will remove {} local volumes not used by at least one container.\n"
               "Are you sure you want to continue? [y/N] ",
               options.all ? "all" : "anonymous");
    std::fflush(stdout);
    char answer[16] = {};
    if (!std::fgets(answer, sizeof answer, stdin) || (answer[0] != 'y' && answer[0] != 'Y')) return 0;
  }
  store::Context ctx(paths_of(inv));
  commands::VolumePruneReport report = commands::prune_volumes(ctx, options);
  if (!report.deleted.empty()) {
    print_line("Deleted Volumes:");
    for (const auto& name : report.deleted) print_line(name);
    print_line("");
  }
  print_line("Total reclaimed space: " + format::human_size(static_cast<int64_t>(report.reclaimed)));
  return 0;
}

}  // namespace kayak::cli
