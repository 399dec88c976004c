// Which containers use which volumes: read from each container's
// config.json directly (only its "mounts" array), so this does not depend
// on the rest of the container record's shape.
#include "kayak/store/volume.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"

#include <algorithm>

namespace kayak::store {

std::vector<std::string> volumes_in_config(const json::Value& config) {
  std::vector<std::string> names;
  const json::Value& mounts = config["mounts"];
  if (!mounts.is_array()) return names;
  for (const auto& mount : mounts.as_array()) {
    if (mount.string_or("type") != "volume") continue;
    std::string source = mount.string_or("source");
    if (!source.empty() && std::find(names.begin(), names.end(), source) == names.end()) names.push_back(source);
  }
  return names;
}

std::map<std::string, std::vector<std::string>> volume_users(const std::string& store_root) {
  std::map<std::string, std::vector<std::string>> users;
  std::string containers = fs::join(store_root, "containers");
  std::vector<std::string> ids = fs::list_dir(containers);
  std::sort(ids.begin(), ids.end());
  for (const auto& id : ids) {
    std::string text;
    try {
      if (!fs::read_file_if_exists(fs::join(fs::join(containers, id), "config.json"), text)) continue;
      for (const auto& name : volumes_in_config(json::parse(text, "config.json"))) users[name].push_back(id);
    } catch (const Error& e) {
      // Not a container dir (containers/names/) or one being written: it
      // mounts nothing we can know about.
      log::warn("container {}: {}", id, e.what());
    }
  }
  return users;
}

}  // namespace kayak::store
