#include "kayak/commands/image_tag.hpp"

#include "kayak/image/reference.hpp"
#include "kayak/store/container.hpp"
#include "kayak/store/ingest.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/time.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace kayak::commands {

void tag_image(store::Context& ctx, const std::string& source, const std::vector<std::string>& targets) {
  std::vector<std::string> names;
  for (const auto& target : targets) {
    auto ref = image::parse_reference(target);
    if (!ref.digest.empty()) fail("refusing to create a tag with a digest reference: {}", target);
    names.push_back(ref.str());
  }
  // The exclusive lock may sweep a crashed command's layers, which only the
  // store's user namespace can remove: run there like every writer.
  ctx.write([&] {
    store::Store& store = ctx.store();
    FileLock lock = store.lock_exclusive();
    store::ImageRecord image = store.resolve_image(source);
    store::Names all = store.names();
    for (const auto& name : names) store::assign_name(all, name, image.id);
    store.write_names(all);
    return json::Value(true);
  });
}

namespace {

// Deletes an image whose names are already gone, and the layers and blobs
// only it used. Appends Docker's "Deleted:" lines; returns the bytes of the
// layers freed (layers other images share are not counted).
int64_t delete_image(store::Store& store, const store::ImageRecord& image, std::vector<std::string>& lines) {
  std::map<std::string, int64_t> layer_sizes;
  for (const auto& chain : image.layers) {
    if (store.has_layer(chain)) layer_sizes[chain] = store.layer(chain).size;
  }
  std::vector<std::string> blobs{image.config_digest()};
  if (!image.manifest_digest.empty()) blobs.push_back(image.manifest_digest);
  store.mark_incomplete(image.layers, blobs);
  store.delete_image_record(image.id);
  lines.push_back("Deleted: sha256:" + image.id);
  auto garbage = store.collect_garbage(image.layers, blobs);
  // Docker lists freed layers top first.
  std::vector<std::string> freed(image.layers.rbegin(), image.layers.rend());
  int64_t freed_bytes = 0;
  for (const auto& chain : freed) {
    if (std::find(garbage.layers.begin(), garbage.layers.end(), chain) != garbage.layers.end()) {
      lines.push_back("Deleted: sha256:" + chain);
      freed_bytes += layer_sizes[chain];
    }
  }
  store.clear_incomplete();
  return freed_bytes;
}

json::Value item_json(const RemoveItem& item) {
  json::Value v = json::Value::object();
  v.set("target", item.target);
  v.set("lines", json::Value::strings(item.lines));
  v.set("error", item.error);
  v.set("exit_code", item.exit_code);
  return v;
}

// podman rmi's exit codes: 1 when an image does not exist, 2 when
// containers use one, 125 for anything else.
constexpr int kExitMissing = 1;
constexpr int kExitInUse = 2;

template <typename... Args>
[[noreturn]] void in_use(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...), kExitInUse);
}

// Containers using an image, and whether one of them is running.
struct ImageUsers {
  std::vector<std::string> ids;
  std::string running;  // a running one's ID, "" if none
};

ImageUsers image_users(store::Store& store, const std::string& image_id) {
  ImageUsers users;
  store::ContainerStore containers(store);
  users.ids = store::containers_using_image(containers, image_id);
  for (const auto& id : users.ids) {
    auto status = containers.state(id).status;
    if (status == store::ContainerStatus::Running || status == store::ContainerStatus::Paused) users.running = id;
  }
  return users;
}

// Docker's rules for an image containers use: a name that is the image's
// only one needs -f; by ID it needs -f for stopped containers and cannot be
// forced for running ones. Forced, the names go but the image stays (as
// <none>) while a container uses it, so the container keeps its layers.
void remove_one(store::Store& store, const std::string& target, bool force, bool containers_force,
                RemoveItem& item) {
  store::ImageRecord image = store.resolve_image(target);
  ImageUsers users = image_users(store, image.id);
  store::Names names = store.names();
  std::string text = target.substr(0, 7) == "sha256:" ? target.substr(7) : target;
  bool by_id = image::looks_like_id(text) && image.id.compare(0, text.size(), text) == 0;
  std::string full;
  if (!by_id) {
    full = image::parse_reference(target).str();
    // A short name may have resolved to another domain's name.
    if (std::none_of(names.begin(), names.end(), [&](const auto& n) { return n.first == full; })) {
      auto it = std::find_if(names.begin(), names.end(), [&](const auto& n) { return n.second == image.id; });
      if (it != names.end() && image.names.size() == 1) full = it->first;
    }
  }
  if (by_id && image.names.size() > 1 && !force) {
    fail("conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories",
         image.id.substr(0, 12));
  }
  if (!users.ids.empty()) {
    std::string short_image = image.id.substr(0, 12);
    if (!by_id && image.names.size() <= 1 && !containers_force) {
      in_use("conflict: unable to remove repository reference \"{}\" (must force) - container {} is using its "
           "referenced image {}", target, users.ids.front().substr(0, 12), short_image);
    }
    if (by_id && !users.running.empty()) {
      in_use("conflict: unable to delete {} (cannot be forced) - image is being used by running container {}",
           short_image, users.running.substr(0, 12));
    }
    if (by_id && !containers_force) {
      in_use("conflict: unable to delete {} (must be forced) - image is being used by stopped container {}",
           short_image, users.ids.front().substr(0, 12));
    }
  }
  std::vector<std::string> untag = by_id ? image.names : std::vector<std::string>{full};
  for (const auto& name : untag) {
    std::erase_if(names, [&](const auto& n) { return n.first == name; });
    item.lines.push_back("Untagged: " + store::familiar_name(name));
  }
  bool still_named = std::any_of(names.begin(), names.end(), [&](const auto& n) { return n.second == image.id; });
  store.write_names(names);
  if (!still_named && users.ids.empty()) delete_image(store, image, item.lines);
}

}  // namespace

std::vector<RemoveItem> remove_images(store::Context& ctx, const RemoveOptions& options) {
  if (options.images.empty() && !options.all) fail("image name or ID must be specified");
  json::Value result = ctx.write([&] {
    store::Store& store = ctx.store();
    FileLock lock = store.lock_exclusive();
    std::vector<std::string> targets = options.images;
    if (options.all) {
      for (const auto& image : store.images()) targets.push_back(image.id);
    }
    json::Value items = json::Value::array();
    for (const auto& target : targets) {
      RemoveItem item;
      item.target = target;
      try {
        remove_one(store, target, options.force || options.all, options.force, item);
      } catch (const NotFoundError& e) {
        if (options.force) continue;  // -f: gone is what was asked for (podman)
        item.error = e.what();
        item.exit_code = kExitMissing;
      } catch (const Error& e) {
        item.error = e.what();
        item.exit_code = e.exit_code();
      }
      items.push_back(item_json(item));
    }
    return items;
  });
  std::vector<RemoveItem> out;
  for (const auto& v : result.as_array()) {
    RemoveItem item;
    item.target = v.string_or("target");
    item.lines = v.strings_at("lines");
    item.error = v.string_or("error");
    item.exit_code = static_cast<int>(v.int_or("exit_code"));
    out.push_back(std::move(item));
  }
  return out;
}

PruneReport prune_images(store::Context& ctx, const PruneOptions& options) {
  for (const auto& filter : options.filters) {
    if (filter.rfind("label=", 0) != 0 && filter.rfind("until=", 0) != 0) fail("invalid filter \"{}\"", filter);
  }
  json::Value result = ctx.write([&] {
    store::Store& store = ctx.store();
    FileLock lock = store.lock_exclusive();
    json::Value out = json::Value::object();
    std::vector<std::string> lines;
    int64_t reclaimed = 0;
    store::Names names = store.names();
    for (const auto& image : store.images()) {
      if (!options.all && !image.names.empty()) continue;
      // Images containers use are never pruned.
      if (!store::containers_using_image(store::ContainerStore(store), image.id).empty()) continue;
      bool skip = false;
      for (const auto& filter : options.filters) {
        if (filter.rfind("until=", 0) == 0) {
          auto limit = timeutil::parse_rfc3339(filter.substr(6));
          auto created = timeutil::parse_rfc3339(image.created);
          if (limit && created && *created >= *limit) skip = true;
        } else {
          std::string spec = filter.substr(6);
          auto eq = spec.find('=');
          const json::Value& labels = store.image_config(image).container_config()["Labels"];
          const json::Value* have = labels.find(spec.substr(0, eq));
          if (!have || (eq != std::string::npos && (!have->is_string() || have->as_string() != spec.substr(eq + 1)))) {
            skip = true;
          }
        }
      }
      if (skip) continue;
      for (const auto& name : image.names) {
        std::erase_if(names, [&](const auto& n) { return n.first == name; });
        lines.push_back("untagged: " + store::familiar_name(name));
      }
      store.write_names(names);
      std::vector<std::string> deleted;
      reclaimed += delete_image(store, image, deleted);
      for (auto& line : deleted) lines.push_back("deleted: " + line.substr(9));
    }
    out.set("lines", json::Value::strings(lines));
    out.set("reclaimed", reclaimed);
    return out;
  });
  return PruneReport{result.strings_at("lines"), result.int_or("reclaimed")};
}

}  // namespace kayak::commands
