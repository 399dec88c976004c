// --mount: a CSV list of key=value fields, read as Docker's CLI reads it
// (opts/mount.go): keys are case-insensitive, type defaults to volume, and
// the option families (volume-*, bind-*, tmpfs-*) only go with their type.
#include "kayak/commands/mount_flags.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"

#include "mount_csv.hpp"
#include "mount_rules.hpp"

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <optional>

namespace kayak::commands {

namespace {

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

}  // namespace

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
      if (!is_consistency(str::to_lower(val))) {
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
    if (!is_propagation(propagation)) config_error(mount, "invalid propagation mode: " + propagation);
    mount.options.push_back(propagation);
  }
  if (tmpfs_size && *tmpfs_size != 0) mount.options.push_back(tmpfs_size_option(*tmpfs_size));
  if (tmpfs_mode) mount.options.push_back(fmt::format("mode={:o}", *tmpfs_mode));
  validate_mount(mount, false, false);  // option mixes were refused above
  mount.anonymous = mount.type == "volume" && mount.source.empty();
  if (mount.type == "bind") mount.source = clean_path(mount.source);
  mount.destination = clean_path(mount.destination);
  return mount;
}

}  // namespace kayak::commands
