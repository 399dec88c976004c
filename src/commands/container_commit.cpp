// `commit`: a container's changes become a new image.
#include "kayak/commands/container_fs.hpp"

#include "container_freeze.hpp"

#include "kayak/image/config.hpp"
#include "kayak/image/reference.hpp"
#include "kayak/util/error.hpp"

#include <fmt/ranges.h>

namespace kayak::commands {

namespace {

void set_strings(json::Value& config, std::string_view key, const std::vector<std::string>& items) {
  if (items.empty()) {
    config.erase(key);
  } else {
    config.set(key, json::Value::strings(items));
  }
}

// {"80/tcp": {}, ...}: the shape Docker gives ExposedPorts and Volumes.
void set_set(json::Value& config, std::string_view key, const std::vector<std::string>& items) {
  if (items.empty()) {
    config.erase(key);
    return;
  }
  json::Value set = json::Value::object();
  for (const auto& item : items) set.set(item, json::Value::object());
  config.set(key, std::move(set));
}

}  // namespace

json::Value committed_config(const json::Value& parent_config, const store::ContainerConfig& container,
                             const std::vector<std::string>& changes) {
  json::Value config = parent_config.is_object() ? parent_config : json::Value::object();
  set_strings(config, "Cmd", container.cmd);
  set_strings(config, "Entrypoint", container.entrypoint);
  set_strings(config, "Env", container.env);
  if (container.working_dir.empty()) {
    config.erase("WorkingDir");
  } else {
    config.set("WorkingDir", container.working_dir);
  }
  if (container.user.empty()) {
    config.erase("User");
  } else {
    config.set("User", container.user);
  }
  set_set(config, "ExposedPorts", container.exposed_ports);
  set_set(config, "Volumes", container.volumes);
  if (container.labels.empty()) {
    config.erase("Labels");
  } else {
    json::Value labels = json::Value::object();
    for (const auto& [k, v] : container.labels) labels.set(k, v);
    config.set("Labels", std::move(labels));
  }
  // The create default (SIGTERM) is not written unless the image had one.
  if (!container.stop_signal.empty() && (container.stop_signal != "SIGTERM" || config.contains("StopSignal"))) {
    config.set("StopSignal", container.stop_signal);
  }
  image::apply_changes(config, changes);
  return config;
}

std::string commit(store::Context& ctx, const CommitOptions& options) {
  std::vector<std::string> names;
  if (!options.reference.empty()) names.push_back(store::normalize_name(options.reference));
  store::ContainerStore containers(ctx.store());
  std::string id = containers.resolve(options.container);
  // state() may take the container's lock itself to correct what it read
  // (flock: a second lock from this process would wait for the first), so
  // it is read before locking.
  store::ContainerState state = containers.state(id);
  bool running = state.status == store::ContainerStatus::Running && state.pid > 0;
  bool paused = state.status == store::ContainerStatus::Paused;
  // A stopped container is locked so that nobody starts or removes it while
  // it is read; a running one belongs to its monitor, and is frozen instead.
  FileLock lock;
  if (!running && !paused) lock = containers.lock(id);
  store::ContainerConfig config = containers.config(id);

  store::CommitRequest request;
  request.parent_image_id = config.image_id;
  {
    FileLock shared = ctx.store().lock_shared();
    std::optional<store::ImageRecord> parent = ctx.store().image(config.image_id);
    if (!parent) fail("commit {}: its image {} is no longer in the store", options.container, config.image_id.substr(0, 12));
    // Checks the -c changes before anything is read.
    request.container_config =
      committed_config(ctx.store().image_config(*parent).container_config(), config, options.changes);
  }
  request.container_id = id;
  request.author = options.author;
  request.comment = options.message;
  // Docker: the container's command, joined by spaces.
  request.created_by = fmt::format("{}", fmt::join(config.cmd, " "));
  request.names = names;
  store::ContainerRootfs rootfs = container_rootfs(ctx, containers, config);
  archive::ExtractOptions extract = ctx.layer_extract_options();

  std::optional<FrozenContainer> frozen;
  if (running && options.pause) frozen.emplace(ctx.identity(), state.pid);
  json::Value result = ctx.write([&] {
    store::CommitResult committed = store::commit_container(ctx.store(), rootfs, request, extract);
    return json::Value("sha256:" + committed.image.id);
  });
  return result.as_string();
}

}  // namespace kayak::commands
