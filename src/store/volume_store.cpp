// Creating, reading and removing volumes, each under its own lock.
#include "kayak/store/volume.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/random_id.hpp"
#include "kayak/store/container.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/strings.hpp"
#include "kayak/util/time.hpp"


#include <algorithm>
#include <cerrno>

namespace kayak::store {

namespace {

// Docker shows volume times to the second.
std::string now_rfc3339_seconds() {
  std::string text = timeutil::format_rfc3339_nano(timeutil::now_ns());
  auto dot = text.find('.');
  return dot == std::string::npos ? text : text.substr(0, dot) + "Z";
}

[[noreturn]] void no_such_volume(const std::string& name) { throw NotFoundError("No such volume: " + name, 1); }

}  // namespace

VolumeStore::VolumeStore(const std::string& store_root) : root_(fs::join(store_root, "volumes")) {}

std::string VolumeStore::dir(const std::string& name) const { return fs::join(root_, name); }
std::string VolumeStore::data_dir(const std::string& name) const { return fs::join(dir(name), "_data"); }

FileLock VolumeStore::lock(const std::string& name) const {
  fs::mkdir_p(fs::join(root_, ".locks"), 0700);
  return FileLock(fs::join(fs::join(root_, ".locks"), name), FileLock::Mode::Exclusive);
}

bool VolumeStore::exists(const std::string& name) const {
  return fs::exists(fs::join(dir(name), "volume.json"));
}

std::optional<VolumeRecord> VolumeStore::find(const std::string& name) const {
  if (name.empty() || name.find('/') != std::string::npos || name.starts_with('.')) return std::nullopt;
  std::string text;
  if (!fs::read_file_if_exists(fs::join(dir(name), "volume.json"), text)) return std::nullopt;
  return VolumeRecord::from_json(json::parse(text, "volume.json"));
}

VolumeRecord VolumeStore::get(const std::string& name) const {
  auto record = find(name);
  if (!record) no_such_volume(name);
  return *record;
}

std::vector<VolumeRecord> VolumeStore::list() const {
  std::vector<VolumeRecord> records;
  for (const auto& name : fs::list_dir(root_)) {
    if (name.starts_with('.')) continue;  // .locks, staging dirs
    if (auto record = find(name)) records.push_back(std::move(*record));
  }
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return records;
}

void VolumeStore::write_record(const VolumeRecord& record) const {
  fs::write_file_atomic(fs::join(dir(record.name), "volume.json"), json::dump(record.to_json(), {.indent = 1}), 0600);
}

VolumeRecord VolumeStore::create(const CreateOptions& options) {
  VolumeRecord record;
  record.name = options.name.empty() ? random_hex_id() : options.name;
  validate_volume_name(record.name);
  record.anonymous = options.anonymous || options.name.empty();
  record.labels = options.labels;
  if (record.anonymous &&
      std::none_of(record.labels.begin(), record.labels.end(), [](const auto& l) { return l.first == kAnonymousVolumeLabel; })) {
    record.labels.emplace_back(kAnonymousVolumeLabel, "");
  }
  record.options = options.options;
  record.mountpoint = data_dir(record.name);
  record.created_at = now_rfc3339_seconds();

  FileLock held = lock(record.name);
  if (auto existing = find(record.name)) return *existing;
  // Built in a dot-dir and renamed into place: list() never sees half a
  // volume, and a crash leaves only a dot-dir behind. The data dir is made
  // by the caller, who is container root in the store's user namespace
  // (0 maps to the caller), so it is owned by container root already.
  std::string staging = fs::join(root_, ".new-" + record.name);
  fs::remove_tree(staging);
  fs::mkdir_p(fs::join(staging, "_data"), 0755);
  fs::write_file_atomic(fs::join(staging, "volume.json"), json::dump(record.to_json(), {.indent = 1}), 0600);
  if (::rename(staging.c_str(), dir(record.name).c_str()) != 0) {
    int err = errno;
    fs::remove_tree(staging);
    fail_errno_value(err, "create volume {}", record.name);
  }
  fs::sync_dir(root_);
  return record;
}

uint64_t VolumeStore::remove(Context& ctx, const std::string& name) {
  FileLock held = lock(name);
  if (!find(name)) throw Error(fmt::format("get {}: no such volume", name), 1);
  auto users = volume_users(ctx.store().root());
  if (auto it = users.find(name); it != users.end()) {
    // Docker's text; podman's exit code for a volume in use.
    throw Error(fmt::format("remove {}: volume is in use - [{}]", name, str::join(it->second, ", ")), 2);
  }
  // Renamed away first, so the name is free (and list() no longer shows
  // it) even if removing the content is interrupted.
  std::string doomed = fs::join(root_, ".rm-" + random_hex_id());
  if (::rename(dir(name).c_str(), doomed.c_str()) != 0) fail_errno("remove volume {}", name);
  uint64_t size = 0;
  json::Value result = ctx.write([&] {
    uint64_t freed = fs::tree_size(fs::join(doomed, "_data"));
    fs::remove_tree(doomed);
    return json::Value(freed);
  });
  if (result.is_int()) size = static_cast<uint64_t>(result.as_int());
  return size;
}

void remove_anonymous_volumes(Context& ctx, const std::vector<MountSpec>& mounts) {
  VolumeStore volumes(ctx.store().root());
  for (const auto& mount : mounts) {
    if (mount.type != "volume" || !mount.anonymous || mount.source.empty()) continue;
    try {
      volumes.remove(ctx, mount.source);
    } catch (const Error& e) {
      log::warn("{}", e.what());
    }
  }
}

}  // namespace kayak::store
