// -v, --mount and --tmpfs: Docker's parsing rules and error texts. The
// checks come in two layers because Docker's come in two: what its CLI
// rejects (CSV syntax, unknown keys, "target is required") and what its
// daemon rejects ("invalid mount config for type ...", "Duplicate mount
// point"); both texts are kept so users can search for them.
#include "kayak/commands/mount_flags.hpp"

#include "kayak/store/volume.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include "mount_csv.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <optional>
#include <set>

namespace kayak::commands {

namespace {

const std::set<std::string_view> kPropagation = {"shared", "slave", "private", "rshared", "rslave", "rprivate"};
const std::set<std::string_view> kLabel = {"z", "Z"};
const std::set<std::string_view> kConsistency = {"consistent", "cached", "delegated"};

// Docker's linuxValidMountMode: known words, at most one of each kind.
bool valid_mode(std::string_view mode) {
  if (mode.empty()) return true;
  int rw = 0, label = 0, propagation = 0, copy = 0, consistency = 0;
  for (const auto& word : str::split(mode, ',')) {
    if (word == "rw" || word == "ro") rw++;
    else if (kLabel.count(word)) label++;
    else if (kPropagation.count(word)) propagation++;
    else if (word == "nocopy") copy++;
    else if (kConsistency.count(word)) consistency++;
    else return false;
  }
  return rw <= 1 && label <= 1 && propagation <= 1 && copy <= 1 && consistency <= 1;
}

std::string spec_error(std::string_view raw) { return fmt::format("invalid volume specification: '{}'", raw); }

[[noreturn]] void config_error(const store::MountSpec& mount, std::string_view why) {
  fail("invalid mount config for type \"{}\": {}", mount.type, why);
}

// "./dir" and "." are relative to the caller's directory (Docker's CLI
// resolves them); anything else not absolute is a volume name.
std::string resolve_dot_source(const std::string& source) {
  if (source == "." || source.starts_with("./")) return clean_path(fs::absolute(source));
  return source;
}

// Docker's validateMountConfig (the daemon side), without the bind source
// existence check, which parse_mount_flags does for --mount only.
void validate(const store::MountSpec& mount, bool volume_options, bool bind_options) {
  if (mount.destination.empty()) config_error(mount, "field Target must not be empty");
  if (clean_path(mount.destination) == "/") {
    config_error(mount, "invalid specification: destination can't be '/'");
  }
  if (!mount.destination.starts_with('/')) {
    config_error(mount, fmt::format("invalid mount path: '{}' mount path must be absolute", mount.destination));
  }
  if (mount.type == "bind") {
    if (mount.source.empty()) config_error(mount, "field Source must not be empty");
    if (volume_options) config_error(mount, "field VolumeOptions must not be specified");
    if (!mount.source.starts_with('/')) {
      config_error(mount, fmt::format("invalid mount path: '{}' mount path must be absolute", mount.source));
    }
  } else if (mount.type == "volume") {
    if (bind_options) config_error(mount, "field BindOptions must not be specified");
    if (mount.read_only && mount.source.empty()) {
      config_error(mount, "must not set ReadOnly mode when using anonymous volumes");
    }
    if (!mount.source.empty()) store::validate_volume_name(mount.source);
  } else if (mount.type == "tmpfs") {
    if (bind_options) config_error(mount, "field BindOptions must not be specified");
    if (!mount.source.empty()) config_error(mount, "field Source must not be specified");
  } else {
    config_error(mount, "mount type unknown");
  }
}

// Docker's units.RAMInBytes: "64m", "1.5g", "100", "2 GiB" (binary units).
std::optional<int64_t> ram_in_bytes(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) i++;
  std::string number(text.substr(0, i));
  if (number.empty() || number.front() == '.' || number.back() == '.') return std::nullopt;
  std::string_view unit = text.substr(i);
  if (unit.starts_with(' ')) unit.remove_prefix(1);
  double multiplier = 1;
  if (!unit.empty()) {
    static const std::string_view letters = "kmgtp";
    size_t power = letters.find(static_cast<char>(std::tolower(static_cast<unsigned char>(unit[0]))));
    if (power != std::string_view::npos) {
      for (size_t p = 0; p <= power; p++) multiplier *= 1024;
      unit.remove_prefix(1);
      if (!unit.empty() && (unit[0] == 'i' || unit[0] == 'I')) unit.remove_prefix(1);
    }
    if (!unit.empty() && (unit[0] == 'b' || unit[0] == 'B')) unit.remove_prefix(1);
    if (!unit.empty()) return std::nullopt;
  }
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (*end != '\0') return std::nullopt;
  return static_cast<int64_t>(value * multiplier);
}

// Docker's ConvertTmpfsOptions: the largest binary unit that divides evenly.
std::string tmpfs_size_option(int64_t size) {
  static const std::pair<const char*, int64_t> units[] = {{"g", 1LL << 30}, {"m", 1LL << 20}, {"k", 1LL << 10}};
  for (const auto& [suffix, divisor] : units) {
    if (size % divisor == 0) return fmt::format("size={}{}", size / divisor, suffix);
  }
  return fmt::format("size={}", size);
}

std::optional<bool> parse_bool(std::string_view text) {
  // Go's strconv.ParseBool.
  if (text == "1" || text == "t" || text == "T" || text == "true" || text == "TRUE" || text == "True") return true;
  if (text == "0" || text == "f" || text == "F" || text == "false" || text == "FALSE" || text == "False") return false;
  return std::nullopt;
}

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
    if (kPropagation.count(word)) bind_options = true;
    mount.options.push_back(word);
  }
  try {
    validate(mount, volume_options, bind_options);
  } catch (const Error& e) {
    // A bad volume name reads as the daemon's "create NAME: ..." error.
    if (std::string_view(e.what()).starts_with("create ")) throw;
    fail("{}: {}", spec_error(raw), e.what());
  }
  if (mount.type == "bind") mount.source = clean_path(mount.source);
  mount.destination = clean_path(mount.destination);
  return mount;
}

store::MountSpec parse_mount_flag(std::string_view value) {
  auto cli_error = [&](std::string_view why) -> Error {
    return Error(fmt::format("invalid argument \"{}\" for \"--mount\" flag: {}", value, why));
  };
  std::vector<std::string> fields;
  try {
    fields = parse_csv_record(value);
  } catch (const Error& e) {
    throw cli_error(e.what());
  }

  store::MountSpec mount;
  mount.type = "volume";  // Docker's default
  bool volume_options = false, bind_options = false, tmpfs_options = false;
  std::optional<int64_t> tmpfs_size;
  std::optional<unsigned> tmpfs_mode;
  std::string propagation;
  for (const auto& field : fields) {
    auto eq = field.find('=');
    // Docker lower-cases keys (and only keys).
    std::string key = str::to_lower(std::string_view(field).substr(0, eq));
    if (eq == std::string::npos) {
      if (key == "readonly" || key == "ro") {
        mount.read_only = true;
      } else if (key == "volume-nocopy") {
        volume_options = true;
        mount.options.push_back("nocopy");
      } else if (key == "bind-nonrecursive") {
        bind_options = true;
        mount.options.push_back("bind-nonrecursive");
      } else {
        throw cli_error(fmt::format("invalid field '{}' must be a key=value pair", field));
      }
      continue;
    }
    std::string val = field.substr(eq + 1);
    if (key == "type") {
      mount.type = str::to_lower(val);
    } else if (key == "source" || key == "src") {
      mount.source = resolve_dot_source(val);
    } else if (key == "target" || key == "dst" || key == "destination") {
      mount.destination = val;
    } else if (key == "readonly" || key == "ro") {
      auto b = parse_bool(val);
      if (!b) throw cli_error(fmt::format("invalid value for {}: {}", key, val));
      mount.read_only = *b;
    } else if (key == "consistency") {
      if (!kConsistency.count(str::to_lower(val))) {
        throw cli_error(fmt::format("invalid value for {}: {}", key, val));
      }
    } else if (key == "bind-propagation") {
      bind_options = true;
      propagation = str::to_lower(val);
    } else if (key == "bind-nonrecursive") {
      auto b = parse_bool(val);
      if (!b) throw cli_error(fmt::format("invalid value for {}: {}", key, val));
      bind_options = true;
      if (*b) mount.options.push_back("bind-nonrecursive");
    } else if (key == "volume-nocopy") {
      auto b = parse_bool(val);
      if (!b) throw cli_error(fmt::format("invalid value for volume-nocopy: {}", val));
      volume_options = true;
      if (*b) mount.options.push_back("nocopy");
    } else if (key == "volume-driver") {
      volume_options = true;
      if (val != "local") fail("error looking up volume plugin {}: plugin \"{}\" not found", val, val);
    } else if (key == "volume-label" || key == "volume-opt") {
      volume_options = true;
      mount.options.push_back(key + "=" + val);
    } else if (key == "tmpfs-size") {
      tmpfs_options = true;
      tmpfs_size = ram_in_bytes(val);
      if (!tmpfs_size || *tmpfs_size < 0) throw cli_error(fmt::format("invalid value for {}: {}", key, val));
    } else if (key == "tmpfs-mode") {
      // Go's strconv.ParseUint(val, 8, 32): octal digits, at most 32 bits.
      tmpfs_options = true;
      bool octal = !val.empty() && val.find_first_not_of("01234567") == std::string::npos;
      uint64_t mode = octal && val.size() <= 11 ? std::stoull(val, nullptr, 8) : UINT64_MAX;
      if (mode > UINT32_MAX) throw cli_error(fmt::format("invalid value for {}: {}", key, val));
      tmpfs_mode = static_cast<unsigned>(mode);
    } else {
      throw cli_error(fmt::format("unexpected key '{}' in '{}'", key, field));
    }
  }
  if (mount.type.empty()) throw cli_error("type is required");
  if (mount.destination.empty()) throw cli_error("target is required");
  if (volume_options && mount.type != "volume") {
    throw cli_error(fmt::format("cannot mix 'volume-*' options with mount type '{}'", mount.type));
  }
  if (bind_options && mount.type != "bind") {
    throw cli_error(fmt::format("cannot mix 'bind-*' options with mount type '{}'", mount.type));
  }
  if (tmpfs_options && mount.type != "tmpfs") {
    throw cli_error(fmt::format("cannot mix 'tmpfs-*' options with mount type '{}'", mount.type));
  }
  if (!propagation.empty()) {
    if (!kPropagation.count(propagation)) config_error(mount, "invalid propagation mode: " + propagation);
    mount.options.push_back(propagation);
  }
  if (tmpfs_size && *tmpfs_size != 0) mount.options.push_back(tmpfs_size_option(*tmpfs_size));
  if (tmpfs_mode) mount.options.push_back(fmt::format("mode={:o}", *tmpfs_mode));
  validate(mount, false, false);  // option mixes were refused above
  mount.anonymous = mount.type == "volume" && mount.source.empty();
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
