// -v and --tmpfs, and all mount flags together (--mount is in
// mount_option.cpp). Docker checks in two layers, its CLI (syntax) and its
// daemon ("invalid mount config for type ...", "Duplicate mount point");
// both layers' texts are kept so users can search for them.
#include "kayak/commands/mount_flags.hpp"

#include "kayak/store/volume.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include "mount_rules.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <set>

namespace kayak::commands {

namespace {

// Docker's linuxValidMountMode: known words, at most one of each kind.
bool valid_mode(std::string_view mode) {
  if (mode.empty()) return true;
  int rw = 0, label = 0, propagation = 0, copy = 0, consistency = 0;
  for (const auto& word : str::split(mode, ',')) {
    if (word == "rw" || word == "ro") rw++;
    else if (word == "z" || word == "Z") label++;
    else if (is_propagation(word)) propagation++;
    else if (word == "nocopy") copy++;
    else if (is_consistency(word)) consistency++;
    else return false;
  }
  return rw <= 1 && label <= 1 && propagation <= 1 && copy <= 1 && consistency <= 1;
}

std::string spec_error(std::string_view raw) { return fmt::format("invalid volume specification: '{}'", raw); }

void create_bind_source(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return;
  try {
    fs::mkdir_p(path, 0755);
  } catch (const SystemError& e) {
    fail("error while creating mount source path '{}': mkdir {}: {}", path, path, std::strerror(e.error_number()));
  }
}

}  // namespace

std::string clean_path(std::string_view path) {
  if (path.empty()) return ".";
  bool rooted = path.front() == '/';
  std::vector<std::string> out;
  for (const auto& part : str::split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!out.empty() && out.back() != "..") out.pop_back();
      else if (!rooted) out.push_back("..");
      continue;
    }
    out.push_back(part);
  }
  std::string joined = str::join(out, "/");
  if (rooted) return "/" + joined;
  return joined.empty() ? "." : joined;
}

store::MountSpec parse_volume_flag(std::string_view raw) {
  if (raw.empty()) fail("invalid empty volume spec");
  std::vector<std::string> parts = str::split(raw, ':');
  if (parts[0].empty()) fail("{}", spec_error(raw));
  store::MountSpec mount;
  std::string mode;
  switch (parts.size()) {
  case 1:
    mount.destination = parts[0];
    break;
  case 2:
    // "/foo:rw" names no volume: a mode needs a source and a target.
    if (valid_mode(parts[1])) fail("{}", spec_error(raw));
    mount.source = parts[0];
    mount.destination = parts[1];
    break;
  case 3:
    mount.source = parts[0];
    mount.destination = parts[1];
    mode = parts[2];
    break;
  default:
    fail("{}", spec_error(raw));
  }
  if (!valid_mode(mode)) fail("invalid mode: {}", mode);

  mount.source = resolve_dot_source(mount.source);
  mount.type = mount.source.starts_with('/') ? "bind" : "volume";
  mount.anonymous = mount.source.empty();
  bool volume_options = false;
  bool bind_options = false;
  for (const auto& word : str::split(mode, ',')) {
    if (word.empty() || word == "rw") continue;
    if (word == "ro") {
      mount.read_only = true;
      continue;
    }
    if (word == "nocopy") volume_options = true;
    if (is_propagation(word)) bind_options = true;
    mount.options.push_back(word);
  }
  try {
    validate_mount(mount, volume_options, bind_options);
  } catch (const Error& e) {
    // A bad volume name reads as the daemon's "create NAME: ..." error.
    if (std::string_view(e.what()).starts_with("create ")) throw;
    fail("{}: {}", spec_error(raw), e.what());
  }
  if (mount.type == "bind") mount.source = clean_path(mount.source);
  mount.destination = clean_path(mount.destination);
  return mount;
}

store::MountSpec parse_tmpfs_flag(std::string_view value) {
  auto colon = value.find(':');
  std::string destination(value.substr(0, colon));
  if (clean_path(destination) == "/") fail("invalid specification: destination can't be '/'");
  if (!destination.starts_with('/')) fail("invalid mount path: '{}' mount path must be absolute", destination);
  store::MountSpec mount;
  mount.type = "tmpfs";
  mount.destination = clean_path(destination);
  if (colon != std::string_view::npos) {
    for (const auto& word : str::split(value.substr(colon + 1), ',')) {
      if (word.empty() || word == "rw") continue;
      if (word == "ro") {
        mount.read_only = true;
        continue;
      }
      mount.options.push_back(word);
    }
  }
  return mount;
}

std::vector<store::MountSpec> parse_mount_flags(const MountFlags& flags) {
  std::vector<store::MountSpec> mounts;
  std::vector<bool> from_volume_flag;
  for (const auto& value : flags.tmpfs) {
    mounts.push_back(parse_tmpfs_flag(value));
    from_volume_flag.push_back(false);
  }
  for (const auto& value : flags.volumes) {
    mounts.push_back(parse_volume_flag(value));
    from_volume_flag.push_back(true);
  }
  for (const auto& value : flags.mounts) {
    mounts.push_back(parse_mount_flag(value));
    from_volume_flag.push_back(false);
  }
  std::set<std::string> destinations;
  for (const auto& mount : mounts) {
    if (!destinations.insert(mount.destination).second) fail("Duplicate mount point: {}", mount.destination);
  }
  // Sources last, so a refused command line creates no host directory.
  for (size_t i = 0; i < mounts.size(); i++) {
    const auto& mount = mounts[i];
    if (mount.type != "bind") continue;
    if (from_volume_flag[i]) {
      create_bind_source(mount.source);
    } else if (!fs::exists(mount.source)) {
      config_error(mount, "bind source path does not exist: " + mount.source);
    }
  }
  return mounts;
}

void add_image_volumes(std::vector<store::MountSpec>& mounts, const std::vector<std::string>& image_volumes) {
  for (const auto& path : image_volumes) {
    std::string destination = clean_path(path);
    if (!destination.starts_with('/') || destination == "/") continue;  // Docker skips what it cannot mount
    bool covered = std::any_of(mounts.begin(), mounts.end(),
                               [&](const store::MountSpec& m) { return m.destination == destination; });
    if (covered) continue;
    store::MountSpec mount;
    mount.type = "volume";
    mount.destination = destination;
    mount.anonymous = true;
    mounts.push_back(std::move(mount));
  }
}

}  // namespace kayak::commands
