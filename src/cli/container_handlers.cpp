// Handlers for the container commands: flags -> options -> commands module
// -> printed results. Batch verbs print one line per success and one
// "Error: ..." per failure (item_report.hpp).
#include "container_handlers.hpp"

#include "item_report.hpp"
#include "run_flags.hpp"
#include "store_paths_of.hpp"

#include "kayak/cli/handlers.hpp"

#include "kayak/cli/render.hpp"
#include "kayak/commands/container_create.hpp"
#include "kayak/commands/container_inspect.hpp"
#include "kayak/commands/container_list.hpp"
#include "kayak/commands/container_port.hpp"
#include "kayak/commands/container_remove.hpp"
#include "kayak/commands/container_signal.hpp"
#include "kayak/store/container.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>

namespace kayak::cli {

namespace {

const HeaderMap kContainerHeaders = {
  {"ID", "CONTAINER ID"}, {"Image", "IMAGE"}, {"Command", "COMMAND"}, {"CreatedAt", "CREATED AT"},
  {"RunningFor", "CREATED"}, {"Ports", "PORTS"}, {"State", "STATE"}, {"Status", "STATUS"},
  {"Size", "SIZE"}, {"Names", "NAMES"}, {"Labels", "LABELS"}, {"Mounts", "MOUNTS"},
  {"Networks", "NETWORKS"}, {"LocalVolumes", "LOCAL VOLUMES"}, {"Label", "LABEL"},
};

// --cidfile FILE (repeatable): the containers named by ID files, as a
// unit's ExecStop and ExecStopPost give them. With --ignore a missing file
// names nothing.
std::vector<std::string> targets_with_cidfiles(const Invocation& inv) {
  std::vector<std::string> targets = inv.args();
  for (const auto& file : inv.values("cidfile")) {
    std::string id;
    try {
      id = std::string(str::trim(fs::read_file(file)));
    } catch (const Error& e) {
      if (inv.flag("ignore")) continue;
      throw;
    }
    if (id.empty()) fail("the container ID file {} is empty", file);
    targets.push_back(id);
  }
  return targets;
}

// The ID files whose container is gone are removed, so the next `run
// --cidfile` with the same file (a Quadlet unit starting again) can write it.
void remove_stale_cidfiles(store::Context& ctx, const std::vector<std::string>& files) {
  store::ContainerStore containers(ctx.store());
  for (const auto& file : files) {
    try {
      std::string id(str::trim(fs::read_file(file)));
      if (!id.empty() && !containers.exists(id)) ::unlink(file.c_str());
    } catch (const Error&) {
      // Missing or unreadable: nothing to clean up.
    }
  }
}

// --ignore (and rm --force, as podman and Docker): a container that does not
// exist is not an error.
std::vector<commands::ContainerItem> without_missing(std::vector<commands::ContainerItem> items, bool ignore) {
  if (ignore) std::erase_if(items, [](const commands::ContainerItem& item) { return item.missing; });
  return items;
}

std::optional<int> int_flag(const Invocation& inv, const char* name) {
  if (!inv.is_set(name)) return std::nullopt;
  std::string text = inv.value_or(name, "");
  auto n = str::parse_int(text);
  if (!n) fail("invalid argument \"{}\" for \"--{}\" flag: strconv.ParseInt: parsing \"{}\": invalid syntax", text, name, text);
  return static_cast<int>(*n);
}

}  // namespace

int handle_container_create(Invocation& inv) {
  commands::CreateOptions options = create_options_from(inv);
  store::Context ctx(paths_of(inv));
  fmt::print("{}\n", commands::create_container(ctx, options).id);
  return 0;
}

int handle_container_ls(Invocation& inv) {
  commands::ContainerListOptions options;
  options.all = inv.flag("all");
  options.latest = inv.flag("latest");
  options.last = int_flag(inv, "last").value_or(-1);
  options.size = inv.flag("size");
  options.no_trunc = inv.flag("no-trunc");
  options.filters = inv.values("filter");
  store::Context ctx(paths_of(inv));
  commands::ContainerLabels labels;
  std::vector<json::Value> rows = commands::list_containers(ctx, options, &labels);
  if (inv.flag("quiet")) {
    for (const auto& row : rows) fmt::print("{}\n", row["ID"].as_string());
    return 0;
  }
  std::string table = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
  if (options.size) table += "\t{{.Size}}";
  // Docker's ContainerContext.Label(name): the label's value, "" if unset.
  format::Methods methods;
  methods["Label"] = [&](const json::Value& row, const std::vector<json::Value>& args) -> json::Value {
    if (args.size() != 1 || !args[0].is_string()) fail("wrong number of args for Label: want 1 got {}", args.size());
    const auto& map = labels[row["ID"].as_string()];
    auto it = map.find(args[0].as_string());
    return it == map.end() ? std::string() : it->second;
  };
  render_rows(rows, inv.value_or("format", ""), table, kContainerHeaders, "container.Summary", methods);
  return 0;
}

namespace {

int print_inspect(const Invocation& inv, const std::vector<commands::InspectItem>& items, const std::string& type) {
  // Only containers are printed here.
  std::string format = inv.value_or("format", "");
  int status = 0;
  json::Value array = json::Value::array();
  for (const auto& item : items) {
    if (!item.error.empty()) {
      std::fflush(stdout);
      fmt::print(stderr, "Error: {}\n", item.error);
      status = 125;
      continue;
    }
    if (!format.empty()) {
      render_object(format == "json" ? item.object : commands::container_template_view(item.object), format, type);
    } else {
      array.push_back(item.object);
    }
  }
  if (format.empty()) fmt::print("{}\n", json::dump(array, {.indent = 4}));
  std::fflush(stdout);
  return status;
}

}  // namespace

int handle_container_inspect(Invocation& inv) {
  store::Context ctx(paths_of(inv));
  return print_inspect(inv, commands::inspect_containers(ctx, inv.args(), inv.flag("size")),
                       "container.InspectResponse");
}

int handle_container_rm(Invocation& inv) {
  commands::ContainerRemoveOptions options;
  options.containers = targets_with_cidfiles(inv);
  options.force = inv.flag("force");
  options.volumes = inv.flag("volumes");
  options.all = inv.flag("all");
  if (options.all && !options.containers.empty()) fail("when using the --all switch, you may not pass any containers names or IDs");
  if (!options.all && options.containers.empty()) {
    if (inv.flag("ignore") && inv.is_set("cidfile")) return 0;
    fail("\"kayak {}\" requires at least 1 argument", inv.invoked_path());
  }
  store::Context ctx(paths_of(inv));
  int status = print_items(without_missing(commands::remove_containers(ctx, options), inv.flag("ignore") || options.force));
  remove_stale_cidfiles(ctx, inv.values("cidfile"));
  return status;
}

int handle_container_rename(Invocation& inv) {
  store::Context ctx(paths_of(inv));
  commands::rename_container(ctx, inv.args()[0], inv.args()[1]);
  return 0;
}

int handle_container_port(Invocation& inv) {
  store::Context ctx(paths_of(inv));
  std::optional<std::string> private_port;
  if (inv.args().size() > 1) private_port = inv.args()[1];
  for (const auto& line : commands::container_ports(ctx, inv.args()[0], private_port)) fmt::print("{}\n", line);
  return 0;
}

int handle_container_kill(Invocation& inv) {
  store::Context ctx(paths_of(inv));
  return print_items(commands::kill_containers(ctx, inv.args(), inv.value_or("signal", "KILL")));
}

int handle_container_stop(Invocation& inv) {
  store::Context ctx(paths_of(inv));
  std::vector<std::string> targets = targets_with_cidfiles(inv);
  if (targets.empty()) {
    if (inv.flag("ignore") && inv.is_set("cidfile")) return 0;
    fail("\"kayak {}\" requires at least 1 argument", inv.invoked_path());
  }
  return print_items(without_missing(
    commands::stop_containers(ctx, targets, int_flag(inv, "time"), inv.value_or("signal", "")), inv.flag("ignore")));
}

int handle_container_wait(Invocation& inv) {
  store::Context ctx(paths_of(inv));
  return print_items(commands::wait_containers(ctx, inv.args()));
}

}  // namespace kayak::cli

namespace kayak::cli {

// The top-level inspect: each name is looked up as a container first, then
// as an image (Docker's order), unless --type narrows it.
int handle_inspect(Invocation& inv) {
  if (inv.args().empty()) fail("\"kayak {}\" requires at least 1 argument", inv.invoked_path());
  std::string type = inv.value_or("type", "");
  if (type == "all") type.clear();
  store::Context ctx(paths_of(inv));
  std::string format = inv.value_or("format", "");
  int status = 0;
  json::Value array = json::Value::array();
  for (const auto& target : inv.args()) {
    commands::InspectItem item;
    std::string go_type;
    if (type.empty() || type == "container") {
      item = commands::inspect_containers(ctx, {target}, inv.flag("size")).front();
      go_type = "container.InspectResponse";
    }
    if (type == "image" || (type.empty() && !item.error.empty())) {
      item = commands::inspect_images(ctx.store(), {target}, ctx.driver().name).front();
      go_type = "image.InspectResponse";
    }
    if (!item.error.empty()) {
      std::fflush(stdout);
      fmt::print(stderr, "Error: {}\n", type.empty() ? "No such object: " + target : item.error);
      status = 125;
      continue;
    }
    if (!format.empty()) {
      json::Value view = go_type == "container.InspectResponse" ? commands::container_template_view(item.object)
                                                                 : commands::template_view(item.object);
      render_object(format == "json" ? item.object : view, format, go_type);
    } else {
      array.push_back(item.object);
    }
  }
  if (format.empty()) fmt::print("{}\n", json::dump(array, {.indent = 4}));
  std::fflush(stdout);
  return status;
}

}  // namespace kayak::cli
