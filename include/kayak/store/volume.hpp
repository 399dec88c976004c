// Volumes in the store (Docker's "local" driver):
//
//   volumes/<name>/_data         the content, owned by container root
//   volumes/<name>/volume.json   VolumeRecord
//   volumes/.locks/<name>        flock: held by whoever creates, populates
//                                or removes the volume
//
// A volume is in use while a container's config.json mounts it: an entry of
// its "mounts" array with "type": "volume" and "source": "<name>". That is
// read straight from the JSON, so the scan does not depend on the rest of
// the container's record.
#pragma once

#include "kayak/store/container.hpp"
#include "kayak/store/context.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/lock.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kayak::store {

// Docker marks the volumes it makes for a container with this label, and
// `volume prune` (without --all) removes only those.
inline constexpr const char* kAnonymousVolumeLabel = "com.docker.volume.anonymous";

struct VolumeRecord {
  std::string name;
  std::string driver = "local";
  std::string mountpoint;  // <root>/volumes/<name>/_data
  std::string created_at;  // RFC 3339, seconds, UTC ("2024-01-02T03:04:05Z")
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<std::pair<std::string, std::string>> options;  // --opt type=, device=, o=
  std::string scope = "local";
  bool anonymous = false;
  bool populated = false;  // image content was copied in (done once, as Docker)

  // want is "KEY" (present) or "KEY=VALUE" (present with that value).
  bool has_label(const std::string& want) const;

  json::Value to_json() const;
  static VolumeRecord from_json(const json::Value& doc);
};

// Throws Docker's error unless name matches [a-zA-Z0-9][a-zA-Z0-9_.-]+:
// create NAME: "NAME" includes invalid characters for a local volume name,
// only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a
// host directory, use absolute path
void validate_volume_name(const std::string& name);

// Volume name -> IDs of the containers (their directory names under
// containers/) whose config.json mounts it. A container dir without a
// readable config.json is skipped (it is being created or removed).
std::map<std::string, std::vector<std::string>> volume_users(const std::string& store_root);
// The "mounts" of one config.json document: names of the volumes it uses.
std::vector<std::string> volumes_in_config(const json::Value& config);

// For `rm -v` and `--rm` (container rm, the monitor): removes the
// container's anonymous volumes; named ones stay, as in Docker. Call after
// the container's config.json is gone (ContainerStore::remove), else the
// volumes read as in use. Failures are warnings: the container is gone.
void remove_anonymous_volumes(Context& ctx, const std::vector<MountSpec>& mounts);

class VolumeStore {
public:
  explicit VolumeStore(const std::string& store_root);

  std::string dir(const std::string& name) const;         // volumes/<name>
  std::string data_dir(const std::string& name) const;    // volumes/<name>/_data

  // Creates a volume; name "" makes an anonymous one (64 random hex, the
  // anonymous label). An existing name is not an error (Docker returns the
  // existing volume); its record is returned unchanged.
  struct CreateOptions {
    std::string name;
    std::vector<std::pair<std::string, std::string>> labels;
    std::vector<std::pair<std::string, std::string>> options;
    bool anonymous = false;
  };
  VolumeRecord create(const CreateOptions& options);

  bool exists(const std::string& name) const;
  // Throws NotFoundError("No such volume: NAME", exit 1) when missing.
  VolumeRecord get(const std::string& name) const;
  std::optional<VolumeRecord> find(const std::string& name) const;
  std::vector<VolumeRecord> list() const;  // sorted by name

  // Removes the volume and its content (inside the store's user namespace:
  // files in it may belong to subordinate IDs). Throws Error "remove NAME:
  // volume is in use - [ID, ...]" (exit 2) when a container mounts it, and
  // Error "get NAME: no such volume" (exit 1) when missing; podman's codes.
  // Returns the bytes freed.
  uint64_t remove(Context& ctx, const std::string& name);

  // Copies what the image has at `destination` (the union of `layer_dirs`,
  // base first, each a layer's diff/ dir with overlay or aufs whiteouts)
  // into the volume, once: only when the volume was never populated and its
  // _data is empty (Docker's copy-up on first mount). Runs inside the
  // store's user namespace so owners, modes, symlinks and times are kept.
  // Returns whether anything was copied.
  bool populate(Context& ctx, const std::string& name, const std::vector<std::string>& layer_dirs,
                const std::string& destination);

  // Serialises changes to one volume. A container create that mounts the
  // volume should hold it while it records its config.json, so that a
  // concurrent `volume rm` sees the container.
  FileLock lock(const std::string& name) const;

private:
  void write_record(const VolumeRecord& record) const;

  std::string root_;  // <store>/volumes
};

}  // namespace kayak::store
