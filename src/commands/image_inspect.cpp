#include "kayak/commands/image_inspect.hpp"

#include "kayak/commands/image_list.hpp"
#include "kayak/format/units.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/time.hpp"

#include <algorithm>

namespace kayak::commands {

namespace {

// Docker's container-config shape: every classic field present, in order,
// then whatever else the image carries.
json::Value docker_config(const json::Value& config) {
  static const std::pair<const char*, json::Value> classic[] = {
    {"Hostname", ""}, {"Domainname", ""}, {"User", ""}, {"AttachStdin", false}, {"AttachStdout", false},
    {"AttachStderr", false}, {"ExposedPorts", nullptr}, {"Tty", false}, {"OpenStdin", false},
    {"StdinOnce", false}, {"Env", nullptr}, {"Cmd", nullptr}, {"Healthcheck", nullptr},
    {"ArgsEscaped", nullptr}, {"Image", ""}, {"Volumes", nullptr}, {"WorkingDir", ""},
    {"Entrypoint", nullptr}, {"OnBuild", nullptr}, {"Labels", nullptr}, {"StopSignal", nullptr},
  };
  json::Value out = json::Value::object();
  for (const auto& [key, fallback] : classic) {
    const json::Value* have = config.find(key);
    bool optional = std::string_view(key) == "ExposedPorts" || std::string_view(key) == "Healthcheck" ||
                    std::string_view(key) == "ArgsEscaped" || std::string_view(key) == "StopSignal";
    if (have) {
      out.set(key, *have);
    } else if (!optional) {
      out.set(key, fallback);
    }
  }
  if (config.is_object()) {
    for (const auto& [key, value] : config.as_object()) {
      if (!out.contains(key)) out.set(key, value);
    }
  }
  return out;
}

}  // namespace

json::Value inspect_image(store::Store& store, const store::ImageRecord& image, const std::string& driver_name) {
  image::ImageConfig config = store.image_config(image);
  json::Value out = json::Value::object();
  out.set("Id", "sha256:" + image.id);
  json::Value tags = json::Value::array();
  for (const auto& name : image.names) tags.push_back(store::familiar_name(name));
  out.set("RepoTags", std::move(tags));
  json::Value digests = json::Value::array();
  for (const auto& digest : image.repo_digests) {
    // Shown in familiar form, as Docker does: "busybox@sha256:...".
    auto at = digest.find('@');
    std::string repo = store::familiar_name(digest.substr(0, at) + ":latest");
    digests.push_back(repo.substr(0, repo.rfind(':')) + digest.substr(at));
  }
  out.set("RepoDigests", std::move(digests));
  out.set("Parent", "");
  out.set("Comment", config.doc.string_or("comment"));
  out.set("Created", config.created().empty() ? image.stored : config.created());
  out.set("DockerVersion", config.doc.string_or("docker_version"));
  out.set("Author", config.doc.string_or("author"));
  out.set("Config", docker_config(config.container_config()));
  out.set("Architecture", config.architecture());
  if (!config.variant().empty()) out.set("Variant", config.variant());
  out.set("Os", config.os());
  out.set("Size", image.size);

  json::Value graph = json::Value::object();
  json::Value data = json::Value::object();
  if (!image.layers.empty()) {
    std::string lower;
    for (size_t i = image.layers.size() - 1; i-- > 0;) {
      if (!lower.empty()) lower += ":";
      lower += fs::join(store.layer_dir(image.layers[i]), "diff");
    }
    if (!lower.empty()) data.set("LowerDir", lower);
    data.set("UpperDir", fs::join(store.layer_dir(image.layers.back()), "diff"));
  }
  graph.set("Data", std::move(data));
  graph.set("Name", driver_name);
  out.set("GraphDriver", std::move(graph));

  json::Value rootfs = json::Value::object();
  rootfs.set("Type", "layers");
  rootfs.set("Layers", json::Value::strings(config.diff_ids()));
  out.set("RootFS", std::move(rootfs));
  json::Value metadata = json::Value::object();
  metadata.set("LastTagTime", "0001-01-01T00:00:00Z");
  out.set("Metadata", std::move(metadata));
  return out;
}

json::Value template_view(const json::Value& inspect_object) {
  json::Value view = inspect_object;
  json::Value* config = view.find("Config");
  if (!config || !config->is_object()) return view;
  for (const char* list : {"Env", "Cmd", "Entrypoint", "OnBuild", "Shell"}) {
    json::Value* field = config->find(list);
    if (!field || field->is_null()) config->set(list, json::Value::array());
  }
  for (const char* map : {"Volumes", "Labels", "ExposedPorts"}) {
    json::Value* field = config->find(map);
    if (!field || field->is_null()) config->set(map, json::Value::object());
  }
  return view;
}

std::vector<InspectItem> inspect_images(store::Store& store, const std::vector<std::string>& targets,
                                        const std::string& driver_name) {
  FileLock lock = store.lock_shared();
  std::vector<InspectItem> items;
  for (const auto& target : targets) {
    InspectItem item;
    item.target = target;
    try {
      item.object = inspect_image(store, store.resolve_image(target), driver_name);
    } catch (const Error& e) {
      item.error = e.what();
    }
    items.push_back(std::move(item));
  }
  return items;
}

std::vector<json::Value> image_history(store::Store& store, const std::string& target, const HistoryOptions& options) {
  FileLock lock = store.lock_shared();
  store::ImageRecord image = store.resolve_image(target);
  image::ImageConfig config = store.image_config(image);
  std::vector<image::HistoryEntry> history = config.history();
  std::vector<int64_t> layer_sizes;
  for (const auto& chain : image.layers) layer_sizes.push_back(store.layer(chain).size);
  // Images without history (imported by old tools) get one row per layer.
  if (history.empty()) {
    for (size_t i = 0; i < image.layers.size(); ++i) history.push_back(image::HistoryEntry{config.created(), "", "", "", false});
  }
  int64_t now = timeutil::now_ns();
  std::vector<json::Value> rows;
  size_t layer = 0;
  for (const auto& entry : history) {
    int64_t size = 0;
    if (!entry.empty_layer && layer < layer_sizes.size()) size = layer_sizes[layer++];
    int64_t created = timeutil::parse_rfc3339(entry.created).value_or(0);
    json::Value row = json::Value::object();
    row.set("ID", "<missing>");
    row.set("CreatedSince", created ? format::human_duration(now - created) + " ago" : "N/A");
    row.set("CreatedAt", created ? timeutil::format_rfc3339_nano(created) : "");
    std::string created_by = entry.created_by;
    if (!options.no_trunc && created_by.size() > 45) created_by = created_by.substr(0, 44) + "…";
    row.set("CreatedBy", created_by);
    row.set("Size", options.human ? format::human_size(size) : std::to_string(size));
    row.set("Comment", entry.comment);
    rows.push_back(std::move(row));
  }
  std::reverse(rows.begin(), rows.end());
  if (!rows.empty()) rows.front().set("ID", options.no_trunc ? "sha256:" + image.id : image.id.substr(0, 12));
  if (!options.human) {
    for (auto& row : rows) row.set("CreatedSince", row["CreatedAt"].as_string());
  }
  return rows;
}

}  // namespace kayak::commands
