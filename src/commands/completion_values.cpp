#include "kayak/commands/completion_values.hpp"

#include "kayak/image/reference.hpp"
#include "kayak/store/container.hpp"
#include "kayak/store/store.hpp"
#include "kayak/store/volume.hpp"
#include "kayak/util/fs.hpp"

#include <algorithm>
#include <set>

namespace kayak::commands {

namespace {

constexpr size_t kShortId = 12;

// Store's constructor creates the store's directories: a completion must
// not, so it only opens a store that is already there.
bool store_exists(const store::StorePaths& paths) { return fs::exists(fs::join(paths.root, "images")); }

bool wanted(store::ContainerStatus status, ContainerChoice choice) {
  using S = store::ContainerStatus;
  switch (choice) {
  case ContainerChoice::Any: return true;
  case ContainerChoice::Running: return status == S::Running;
  case ContainerChoice::Stopped: return status == S::Created || status == S::Exited;
  case ContainerChoice::Paused: return status == S::Paused;
  }
  return false;
}

}  // namespace

std::vector<std::string> completion_containers(const store::StorePaths& paths, ContainerChoice choice,
                                               bool with_ids) {
  std::vector<std::string> names, ids;
  if (!store_exists(paths)) return names;
  store::Store store(paths);
  store::ContainerStore containers(store);
  for (const std::string& id : containers.list_ids()) {
    try {
      // state() reconciles a running record whose process is gone, so a
      // dead container is not offered to exec; it never waits for a lock.
      if (choice != ContainerChoice::Any && !wanted(containers.state(id).status, choice)) continue;
      names.push_back(containers.config(id).name);
      if (with_ids) ids.push_back(id.substr(0, kShortId));
    } catch (const std::exception&) {
      // Removed while we listed.
    }
  }
  std::sort(names.begin(), names.end());
  std::sort(ids.begin(), ids.end());
  names.insert(names.end(), ids.begin(), ids.end());
  return names;
}

std::vector<std::string> completion_images(const store::StorePaths& paths, bool with_ids) {
  std::vector<std::string> out;
  if (!store_exists(paths)) return out;
  store::Store store(paths);
  std::set<std::string> names, ids;
  for (const auto& [name, id] : store.names()) {
    names.insert(name);
    try {
      names.insert(image::parse_reference(name, false).familiar());
    } catch (const std::exception&) {
      // A name the parser no longer takes: offer it as stored.
    }
    if (with_ids) ids.insert(id.substr(0, kShortId));
  }
  out.assign(names.begin(), names.end());
  out.insert(out.end(), ids.begin(), ids.end());
  return out;
}

std::vector<std::string> completion_volumes(const store::StorePaths& paths) {
  std::vector<std::string> out;
  if (!store_exists(paths)) return out;
  for (const auto& record : store::VolumeStore(paths.root).list()) out.push_back(record.name);
  return out;
}

}  // namespace kayak::commands
