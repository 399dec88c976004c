#include "kayak/commands/container_list.hpp"

#include "kayak/network/port_spec.hpp"

#include "kayak/format/go_print.hpp"
#include "kayak/format/units.hpp"
#include "kayak/image/reference.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"
#include "kayak/util/time.hpp"

#include <algorithm>
#include <map>
#include <regex>

namespace kayak::commands {

std::string summary_command(const std::string& path, const std::vector<std::string>& args) {
  std::string out = path;
  for (const auto& arg : args) {
    out += ' ';
    out += arg.find(' ') != std::string::npos ? "'" + arg + "'" : arg;
  }
  return out;
}

std::string ellipsis(const std::string& text, size_t width) {
  // Count runes (UTF-8 lead bytes); Docker also counts wide runes double,
  // which only matters for East Asian text in commands.
  std::vector<size_t> starts;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  if (starts.size() <= width) return text;
  if (width == 0) return "";
  if (width == 1) return text.substr(0, starts.size() > 1 ? starts[1] : text.size());
  return text.substr(0, starts[width - 1]) + "…";
}

std::string command_column(const std::string& command, bool no_trunc) {
  return format::go_quote(no_trunc ? command : ellipsis(command, 20));
}

std::string status_text(const store::ContainerState& state, int64_t now_ns) {
  auto since = [&](const std::string& at) {
    return format::human_duration(now_ns - timeutil::parse_rfc3339(at).value_or(now_ns));
  };
  switch (state.status) {
  case store::ContainerStatus::Running: return "Up " + since(state.started_at);
  case store::ContainerStatus::Paused: return "Up " + since(state.started_at) + " (Paused)";
  case store::ContainerStatus::Removing: return "Removal In Progress";
  case store::ContainerStatus::Created:
  case store::ContainerStatus::Exited:
    break;
  }
  if (state.started_at.empty()) return "Created";
  if (state.finished_at.empty()) return "";
  return "Exited (" + std::to_string(state.exit_code) + ") " + since(state.finished_at) + " ago";
}

std::string ports_text(const store::ContainerConfig& config) {
  return network::ports_column(network::parse_publish_all(config.publish), config.exposed_ports);
}

std::string network_name(const store::ContainerConfig& config) {
  return config.network_mode.empty() ? "private" : config.network_mode;
}

namespace {

struct Filters {
  std::vector<store::ContainerStatus> statuses;
  std::vector<std::regex> names;
  std::vector<std::string> ids;
  std::vector<std::string> ancestors;  // as typed
  std::vector<std::pair<std::string, std::optional<std::string>>> labels;
  std::vector<int> exited;
  std::vector<std::string> restart_policies;  // podman's restart-policy=
};

Filters parse_filters(const std::vector<std::string>& specs, bool& all) {
  Filters f;
  for (const auto& spec : specs) {
    auto eq = spec.find('=');
    if (eq == std::string::npos) fail("bad format of filter (expected name=value): {}", spec);
    std::string key = spec.substr(0, eq), value = spec.substr(eq + 1);
    if (key == "status") {
      auto status = store::parse_status(value);
      if (!status) fail("invalid filter 'status={}'", value);
      f.statuses.push_back(*status);
      all = true;  // as Docker: a status filter looks at every container
    } else if (key == "name") {
      try {
        f.names.emplace_back(value, std::regex::extended);
      } catch (const std::regex_error&) {
        fail("invalid filter 'name={}': not a regular expression", value);
      }
    } else if (key == "id") {
      f.ids.push_back(value);
    } else if (key == "ancestor") {
      f.ancestors.push_back(value);
    } else if (key == "label") {
      auto eq2 = value.find('=');
      if (eq2 == std::string::npos) {
        f.labels.emplace_back(value, std::nullopt);
      } else {
        f.labels.emplace_back(value.substr(0, eq2), value.substr(eq2 + 1));
      }
    } else if (key == "restart-policy") {
      static const std::vector<std::string> known = {"no", "always", "unless-stopped", "on-failure"};
      if (std::find(known.begin(), known.end(), value) == known.end())
        fail("invalid filter 'restart-policy={}': one of no, always, unless-stopped, on-failure", value);
      f.restart_policies.push_back(value);
    } else if (key == "exited") {
      auto code = str::parse_int(value);
      if (!code) fail("invalid filter 'exited={}'", value);
      f.exited.push_back(static_cast<int>(*code));
    } else {
      fail("invalid filter '{}'", key);
    }
  }
  return f;
}

bool starts_with_layers(const std::vector<std::string>& layers, const std::vector<std::string>& prefix) {
  return !prefix.empty() && prefix.size() <= layers.size() && std::equal(prefix.begin(), prefix.end(), layers.begin());
}

bool matches(const Filters& f, const store::ContainerConfig& c, const store::ContainerState& s,
             const std::vector<std::vector<std::string>>& ancestor_layers) {
  if (!f.statuses.empty() && std::find(f.statuses.begin(), f.statuses.end(), s.status) == f.statuses.end()) return false;
  if (!f.restart_policies.empty()) {
    std::string policy = c.restart.name.empty() ? "no" : c.restart.name;
    if (std::find(f.restart_policies.begin(), f.restart_policies.end(), policy) == f.restart_policies.end())
      return false;
  }
  if (!f.names.empty() && std::none_of(f.names.begin(), f.names.end(), [&](const std::regex& re) {
        return std::regex_search(c.name, re) || std::regex_search("/" + c.name, re);
      })) {
    return false;
  }
  if (!f.ids.empty() &&
      std::none_of(f.ids.begin(), f.ids.end(), [&](const std::string& id) { return c.id.rfind(id, 0) == 0; })) {
    return false;
  }
  if (!f.ancestors.empty()) {
    bool any = std::any_of(f.ancestors.begin(), f.ancestors.end(), [&](const std::string& a) { return a == c.image_name; }) ||
               std::any_of(ancestor_layers.begin(), ancestor_layers.end(),
                           [&](const auto& layers) { return starts_with_layers(c.layers, layers); });
    if (!any) return false;
  }
  for (const auto& [key, value] : f.labels) {
    auto it = std::find_if(c.labels.begin(), c.labels.end(), [&](const auto& l) { return l.first == key; });
    if (it == c.labels.end() || (value && it->second != *value)) return false;
  }
  if (!f.exited.empty()) {
    bool exited = s.status == store::ContainerStatus::Exited && !s.started_at.empty();
    if (!exited || std::find(f.exited.begin(), f.exited.end(), s.exit_code) == f.exited.end()) return false;
  }
  return true;
}

// The IMAGE column: the name the container was created from while it still
// names the same image, else the image ID (Docker's rule).
std::string image_column(const store::ContainerConfig& c, const store::Names& names, bool no_trunc) {
  std::string typed = c.image_name;
  bool by_id = typed == c.image_id || typed == "sha256:" + c.image_id ||
               (image::looks_like_id(typed) && c.image_id.rfind(typed, 0) == 0);
  if (!by_id) {
    try {
      std::string full = store::normalize_name(typed);
      auto it = std::find_if(names.begin(), names.end(), [&](const auto& n) { return n.first == full; });
      if (it != names.end() && it->second == c.image_id) {
        if (no_trunc) return typed;
        // Docker trims a digest when not asked for full output.
        auto ref = image::parse_reference(typed, false);
        return ref.tag.empty() ? ref.familiar_name() : ref.familiar_name() + ":" + ref.tag;
      }
    } catch (const Error&) {
    }
  }
  return no_trunc ? "sha256:" + c.image_id : c.image_id.substr(0, 12);
}

std::string labels_text(const store::ContainerConfig& c) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : c.labels) parts.push_back(key + "=" + value);
  return str::join(parts, ",");
}

std::string mounts_text(const store::ContainerConfig& c, bool no_trunc) {
  std::vector<std::string> parts;
  for (const auto& m : c.mounts) {
    if (m.type == "tmpfs") continue;
    std::string name = m.source.empty() ? m.destination : m.source;
    parts.push_back(no_trunc ? name : ellipsis(name, 15));
  }
  return str::join(parts, ",");
}

}  // namespace

std::vector<json::Value> list_containers(store::Context& ctx, const ContainerListOptions& options,
                                         ContainerLabels* labels) {
  bool all = options.all;
  Filters filters = parse_filters(options.filters, all);
  store::Store& store = ctx.store();
  store::ContainerStore containers(store);

  store::Names names;
  std::vector<std::vector<std::string>> ancestor_layers;
  std::map<std::string, int64_t> image_sizes;
  {
    FileLock lock = store.lock_shared();
    names = store.names();
    for (const auto& a : filters.ancestors) {
      try {
        ancestor_layers.push_back(store.resolve_image(a).layers);
      } catch (const Error&) {
        // An unknown ancestor matches by the typed name only.
      }
    }
    if (options.size) {
      for (const auto& image : store.images()) image_sizes[image.id] = image.size;
    }
  }

  struct Entry {
    store::ContainerConfig config;
    store::ContainerState state;
    int64_t created = 0;
  };
  std::vector<Entry> entries;
  for (const auto& id : containers.list_ids()) {
    try {
      Entry e{containers.config(id), containers.state(id), 0};
      e.created = timeutil::parse_rfc3339(e.config.created).value_or(0);
      entries.push_back(std::move(e));
    } catch (const Error&) {
      // Removed while we listed.
    }
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.created != b.created ? a.created > b.created : a.config.id < b.config.id;
  });
  int limit = options.latest ? 1 : options.last;
  if (limit > 0 && static_cast<size_t>(limit) < entries.size()) entries.resize(static_cast<size_t>(limit));
  bool any_state = all || limit > 0;

  std::vector<std::string> size_ids;
  std::vector<Entry*> shown;
  for (auto& e : entries) {
    bool running = e.state.status == store::ContainerStatus::Running || e.state.status == store::ContainerStatus::Paused;
    if (!any_state && !running) continue;
    if (!matches(filters, e.config, e.state, ancestor_layers)) continue;
    shown.push_back(&e);
    size_ids.push_back(e.config.id);
  }

  // Sizes of the writable layers: their files may belong to subordinate
  // IDs, so they are measured inside the store's user namespace.
  json::Value sizes = json::Value::object();
  if (options.size && !size_ids.empty()) {
    sizes = ctx.write([&] {
      json::Value out = json::Value::object();
      for (const auto& id : size_ids) {
        std::string dir = fs::is_dir(containers.vfs_dir(id)) ? containers.vfs_dir(id) : containers.upper_dir(id);
        int64_t bytes = 0;
        try {
          bytes = static_cast<int64_t>(fs::tree_size(dir));
        } catch (const Error&) {
        }
        out.set(id, bytes);
      }
      return out;
    });
  }

  int64_t now = timeutil::now_ns();
  std::vector<json::Value> rows;
  for (const Entry* e : shown) {
    const auto& c = e->config;
    const auto& s = e->state;
    bool running = s.status == store::ContainerStatus::Running || s.status == store::ContainerStatus::Paused;
    int64_t rw = sizes.int_or(c.id);
    int64_t virtual_size = rw + (image_sizes.count(c.image_id) ? image_sizes[c.image_id] : 0);
    std::string size = format::human_size(rw);
    if (virtual_size > 0) size += " (virtual " + format::human_size(virtual_size) + ")";
    size_t local_volumes = std::count_if(c.mounts.begin(), c.mounts.end(), [](const auto& m) { return m.type == "volume"; });

    json::Value row = json::Value::object();
    row.set("Command", command_column(summary_command(c.path, c.args), options.no_trunc));
    row.set("CreatedAt", docker_time(e->created));
    row.set("ID", options.no_trunc ? c.id : c.id.substr(0, 12));
    row.set("Image", image_column(c, names, options.no_trunc));
    row.set("Labels", labels_text(c));
    row.set("LocalVolumes", std::to_string(local_volumes));
    row.set("Mounts", mounts_text(c, options.no_trunc));
    row.set("Names", c.name);
    row.set("Networks", network_name(c));
    row.set("Ports", running ? ports_text(c) : "");
    row.set("RunningFor", format::human_duration(now - e->created) + " ago");
    row.set("Size", options.size ? size : "0B");
    row.set("State", std::string(store::status_name(s.status)));
    row.set("Status", status_text(s, now));
    if (labels) {
      auto& map = (*labels)[row["ID"].as_string()];
      for (const auto& [key, value] : c.labels) map[key] = value;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace kayak::commands
