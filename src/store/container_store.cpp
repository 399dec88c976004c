// ContainerStore: container records under containers/<id>/ and names as
// symlinks under containers/names/ (see container.hpp).
#include "kayak/store/container.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/sha256.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace kayak::store {

namespace {

constexpr const char* kConfigFile = "config.json";
constexpr const char* kStateFile = "state.json";
constexpr const char* kLockFile = "lock";

std::string read_link(const std::string& path) {
  char buf[256];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  if (n < 0) return {};
  return std::string(buf, static_cast<size_t>(n));
}

[[noreturn]] void no_such_container(const std::string& text) {
  throw NotFoundError(fmt::format("No such container: {}", text));
}

[[noreturn]] void name_conflict(const std::string& name, const std::string& holder) {
  throw NameConflict(fmt::format("Conflict. The container name \"/{}\" is already in use by container \"{}\". "
                                 "You have to remove (or rename) that container to be able to reuse that name.",
                                 name, holder));
}

}  // namespace

ContainerStore::ContainerStore(const Store& store) : store_(store) {
  fs::mkdir_p(names_dir(), 0700);
}

std::string ContainerStore::dir(const std::string& id) const {
  return fs::join(fs::join(store_.root(), "containers"), id);
}
std::string ContainerStore::run_dir(const std::string& id) const {
  return fs::join(fs::join(store_.paths().runroot, "containers"), id);
}
std::string ContainerStore::names_dir() const { return fs::join(store_.root(), "containers/names"); }
std::string ContainerStore::name_link(const std::string& name) const { return fs::join(names_dir(), name); }
std::string ContainerStore::upper_dir(const std::string& id) const { return fs::join(dir(id), "upper"); }
std::string ContainerStore::work_dir(const std::string& id) const { return fs::join(dir(id), "work"); }
std::string ContainerStore::vfs_dir(const std::string& id) const { return fs::join(dir(id), "rootfs"); }
std::string ContainerStore::userdata_dir(const std::string& id) const { return fs::join(dir(id), "userdata"); }
std::string ContainerStore::log_path(const std::string& id) const { return fs::join(dir(id), "ctr.log"); }

bool ContainerStore::exists(const std::string& id) const {
  return is_sha256_hex(id) && fs::exists(fs::join(dir(id), kConfigFile));
}

FileLock ContainerStore::lock(const std::string& id) const {
  if (!is_sha256_hex(id)) fail("invalid container ID {}", id);
  return FileLock(fs::join(dir(id), kLockFile), FileLock::Mode::Exclusive);
}

void ContainerStore::reserve_name(const std::string& name, const std::string& id) const {
  std::string link = name_link(name);
  // Bounded: each retry follows a crashed creator's leftover link.
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (::symlink(id.c_str(), link.c_str()) == 0) return;
    if (errno != EEXIST) fail_errno("reserve container name {}", name);
    std::string holder = read_link(link);
    if (holder == id) return;
    if (holder.empty()) continue;  // removed meanwhile
    if (exists(holder)) name_conflict(name, holder);
    // The holder has no config.json: a creation in progress (its lock is
    // held) or a crashed one (lock free, or no dir at all).
    FileLock probe;
    if (fs::is_dir(dir(holder)) &&
        !FileLock::try_lock(fs::join(dir(holder), kLockFile), FileLock::Mode::Exclusive, probe)) {
      name_conflict(name, holder);
    }
    // Its lock is free: crashed, or it finished between our two looks
    // (config.json written, lock released). Only the first may go.
    if (exists(holder)) name_conflict(name, holder);
    if (read_link(link) == holder) ::unlink(link.c_str());
  }
  fail("cannot reserve container name {}: it keeps changing", name);
}

void ContainerStore::create(const ContainerConfig& config) {
  if (!is_sha256_hex(config.id)) fail("invalid container ID {}", config.id);
  std::string name = validate_container_name(config.name);
  std::string d = dir(config.id);
  if (::mkdir(d.c_str(), 0700) != 0) fail_errno("create container directory {}", d);
  // The lock exists and is held before the name points here, so another
  // creator never takes this half-made container for a crashed one.
  FileLock held;
  bool reserved = false;
  try {
    held = FileLock(fs::join(d, kLockFile), FileLock::Mode::Exclusive);
    reserve_name(name, config.id);
    reserved = true;
    ContainerConfig stored = config;
    stored.name = name;
    write_state(config.id, ContainerState{});
    // config.json last: its presence is what makes the container exist.
    write_config(stored);
  } catch (...) {
    if (reserved && read_link(name_link(name)) == config.id) ::unlink(name_link(name).c_str());
    try {
      fs::remove_tree(d);
    } catch (const std::exception& e) {
      log::warn("cannot remove {}: {}", d, e.what());
    }
    throw;
  }
}

std::optional<std::string> ContainerStore::id_for_name(const std::string& name) const {
  std::string bare = !name.empty() && name[0] == '/' ? name.substr(1) : name;
  if (bare.empty() || bare.find('/') != std::string::npos || bare == "." || bare == "..") return std::nullopt;
  std::string id = read_link(name_link(bare));
  if (id.empty() || !exists(id)) return std::nullopt;
  return id;
}

std::string ContainerStore::resolve(const std::string& text) const {
  if (text.empty()) no_such_container(text);
  if (exists(text)) return text;
  if (auto id = id_for_name(text)) return *id;
  bool hex = text.size() < 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (hex) {
    std::string found;
    for (const auto& id : list_ids()) {
      if (id.compare(0, text.size(), text) != 0) continue;
      if (!found.empty()) fail("multiple IDs found with provided prefix: {}", text);
      found = id;
    }
    if (!found.empty()) return found;
  }
  no_such_container(text);
}

std::vector<std::string> ContainerStore::list_ids() const {
  std::vector<std::string> ids;
  for (auto& entry : fs::list_dir(fs::join(store_.root(), "containers"))) {
    if (exists(entry)) ids.push_back(std::move(entry));
  }
  return ids;
}

ContainerConfig ContainerStore::config(const std::string& id) const {
  std::string text;
  if (!is_sha256_hex(id) || !fs::read_file_if_exists(fs::join(dir(id), kConfigFile), text)) {
    no_such_container(id);
  }
  return ContainerConfig::from_json(json::parse(text, "container config " + id.substr(0, 12)));
}

void ContainerStore::write_config(const ContainerConfig& config) {
  fs::write_file_atomic(fs::join(dir(config.id), kConfigFile), json::dump(config.to_json()), 0600);
}

ContainerState ContainerStore::stored_state(const std::string& id) const {
  std::string text;
  if (!is_sha256_hex(id) || !fs::read_file_if_exists(fs::join(dir(id), kStateFile), text)) {
    no_such_container(id);
  }
  return ContainerState::from_json(json::parse(text, "container state " + id.substr(0, 12)));
}

void ContainerStore::write_state(const std::string& id, const ContainerState& state) {
  fs::write_file_atomic(fs::join(dir(id), kStateFile), json::dump(state.to_json()), 0600);
}

void ContainerStore::rename(const std::string& id, const std::string& new_name) {
  std::string name = validate_container_name(new_name);
  FileLock held = lock(id);
  ContainerConfig config = this->config(id);
  if (config.name == name) fail("Renaming a container with the same name as its current name");
  reserve_name(name, id);
  std::string old = config.name;
  config.name = name;
  try {
    write_config(config);
  } catch (...) {
    ::unlink(name_link(name).c_str());
    throw;
  }
  if (read_link(name_link(old)) == id) ::unlink(name_link(old).c_str());
}

void ContainerStore::remove(const std::string& id) {
  if (!is_sha256_hex(id)) fail("invalid container ID {}", id);
  std::string name;
  try {
    name = config(id).name;
  } catch (const Error&) {
    // Half-made or already gone: remove what is there.
  }
  // config.json goes first: from then on the container no longer exists
  // for anyone, even if removing the rest is interrupted.
  ::unlink(fs::join(dir(id), kConfigFile).c_str());
  if (!name.empty() && read_link(name_link(name)) == id) ::unlink(name_link(name).c_str());
  fs::remove_tree(run_dir(id));
  fs::remove_tree(dir(id));
}

std::vector<std::string> containers_using_image(const ContainerStore& containers, const std::string& image_id) {
  std::vector<std::string> users;
  for (const auto& id : containers.list_ids()) {
    try {
      if (containers.config(id).image_id == image_id) users.push_back(id);
    } catch (const Error&) {
      // Removed meanwhile.
    }
  }
  return users;
}

}  // namespace kayak::store
