// volume create, ls and inspect.
#include "kayak/commands/volume.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"

#include <algorithm>
#include <optional>
#include <regex>

namespace kayak::commands {

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// "K=V" or "K" (empty value), as Docker's --label and --opt read them.
Pairs parse_pairs(const std::vector<std::string>& items) {
  Pairs pairs;
  for (const auto& item : items) {
    auto eq = item.find('=');
    std::string key = item.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
    auto it = std::find_if(pairs.begin(), pairs.end(), [&](const auto& p) { return p.first == key; });
    if (it != pairs.end()) it->second = value;
    else pairs.emplace_back(key, value);
  }
  return pairs;
}

json::Value pairs_object(const Pairs& pairs) {
  json::Value object = json::Value::object();
  for (const auto& [key, value] : pairs) object.set(key, value);
  return object;
}

struct ListFilters {
  std::vector<std::string> names;   // regexes, any matches
  std::vector<std::string> labels;  // KEY or KEY=VALUE, all must match
  std::vector<std::string> drivers;
  std::optional<bool> dangling;
};

ListFilters parse_list_filters(const std::vector<std::string>& specs) {
  ListFilters filters;
  for (const auto& spec : specs) {
    auto eq = spec.find('=');
    if (eq == std::string::npos) fail("bad format of filter (expected name=value): {}", spec);
    std::string key = spec.substr(0, eq);
    std::string value = spec.substr(eq + 1);
    if (key == "name") {
      filters.names.push_back(value);
    } else if (key == "label") {
      filters.labels.push_back(value);
    } else if (key == "driver") {
      filters.drivers.push_back(value);
    } else if (key == "dangling") {
      if (value == "true" || value == "1") filters.dangling = true;
      else if (value == "false" || value == "0") filters.dangling = false;
      else fail("invalid filter 'dangling={}': use true or false", value);
    } else {
      fail("invalid filter '{}'", key);
    }
  }
  return filters;
}

// Docker's name filter is a regular expression searched in the name.
bool name_matches(const std::string& name, const std::string& pattern) {
  try {
    return std::regex_search(name, std::regex(pattern, std::regex::extended));
  } catch (const std::regex_error&) {
    return name.find(pattern) != std::string::npos;
  }
}

std::string labels_text(const Pairs& labels) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : labels) parts.push_back(key + "=" + value);
  return str::join(parts, ",");
}

}  // namespace

std::string create_volume(store::Context& ctx, const VolumeCreateOptions& options) {
  if (options.driver != "local") {
    fail("create {}: error looking up volume plugin {}: plugin \"{}\" not found", options.name, options.driver,
         options.driver);
  }
  store::VolumeStore::CreateOptions create;
  create.name = options.name;
  create.labels = parse_pairs(options.labels);
  create.options = parse_pairs(options.opts);
  // Docker's local driver knows these three (mount(8)'s type, device and
  // options); anything else is refused before the volume exists.
  for (const auto& [key, value] : create.options) {
    if (key != "type" && key != "device" && key != "o") fail("create {}: invalid option key: \"{}\"", options.name, key);
  }
  store::VolumeStore volumes(ctx.store().root());
  if (options.ignore_existing && !options.name.empty() && volumes.exists(options.name)) return options.name;
  try {
    return volumes.create(create).name;
  } catch (const Error&) {
    // Created by someone else between the check and ours.
    if (options.ignore_existing && !options.name.empty() && volumes.exists(options.name)) return options.name;
    throw;
  }
}

std::vector<json::Value> list_volumes(const store::Store& store, const std::vector<std::string>& filter_specs) {
  ListFilters filters = parse_list_filters(filter_specs);
  store::VolumeStore volumes(store.root());
  std::map<std::string, std::vector<std::string>> users;
  if (filters.dangling) users = store::volume_users(store.root());
  std::vector<json::Value> rows;
  for (const auto& record : volumes.list()) {
    if (!filters.names.empty() &&
        std::none_of(filters.names.begin(), filters.names.end(),
                     [&](const auto& p) { return name_matches(record.name, p); })) {
      continue;
    }
    if (!filters.drivers.empty() &&
        std::find(filters.drivers.begin(), filters.drivers.end(), record.driver) == filters.drivers.end()) {
      continue;
    }
    if (!std::all_of(filters.labels.begin(), filters.labels.end(),
                     [&](const auto& l) { return record.has_label(l); })) {
      continue;
    }
    if (filters.dangling && (users.count(record.name) == 0) != *filters.dangling) continue;
    // Docker's field set for volume rows, keys in its JSON order.
    json::Value row = json::Value::object();
    row.set("Availability", "N/A");
    row.set("Driver", record.driver);
    row.set("Group", "N/A");
    row.set("Labels", labels_text(record.labels));
    row.set("Links", "N/A");
    row.set("Mountpoint", record.mountpoint);
    row.set("Name", record.name);
    row.set("Scope", record.scope);
    row.set("Size", "N/A");
    row.set("Status", "N/A");
    rows.push_back(std::move(row));
  }
  return rows;
}

json::Value volume_inspect_object(const store::VolumeRecord& record) {
  json::Value object = json::Value::object();
  object.set("CreatedAt", record.created_at);
  object.set("Driver", record.driver);
  object.set("Labels", pairs_object(record.labels));
  object.set("Mountpoint", record.mountpoint);
  object.set("Name", record.name);
  object.set("Options", pairs_object(record.options));
  object.set("Scope", record.scope);
  return object;
}

std::vector<VolumeItem> inspect_volumes(const store::Store& store, const std::vector<std::string>& names) {
  store::VolumeStore volumes(store.root());
  std::vector<VolumeItem> items;
  for (const auto& name : names) {
    VolumeItem item;
    item.name = name;
    if (auto record = volumes.find(name)) {
      item.object = volume_inspect_object(*record);
    } else {
      item.error = "No such volume: " + name;  // exit 125, as podman's volume inspect
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace kayak::commands
