// Turning a container's changes into a new image (`commit`): the changes
// become one layer tar (overlay whiteouts back to ".wh." entries, opaque
// directories to ".wh..wh..opq"; on vfs the naive diff's entries), stored
// as an uncompressed blob and extracted as a layer through the same path
// as `load` (ingest_image), on top of the parent image's layers.
#pragma once

#include "kayak/archive/extract.hpp"
#include "kayak/store/container_changes.hpp"
#include "kayak/store/store.hpp"
#include "kayak/util/json.hpp"

#include <string>
#include <vector>

namespace kayak::store {

// Where a container's file system lives.
struct ContainerRootfs {
  std::string driver;               // "overlay" | "fuse-overlayfs" | "vfs"
  std::string dir;                  // overlay drivers: the upper dir; vfs: the full copy
  std::vector<std::string> lowers;  // the image's layer diff dirs, top first
  // The xattr the overlay driver marks opaque directories with in the
  // upper dir (the other spellings are recognised when reading too).
  std::string opaque_xattr = "trusted.overlay.opaque";
  // Where the runtime mounts things (/etc/hosts, /proc, ...): when such a
  // path exists only in the container, as an empty file or directory, it
  // is the runtime's mount point, not the user's change, and neither diff
  // nor commit shows it (Docker keeps them in an init layer; podman's diff
  // filters the same paths).
  std::vector<std::string> mount_points = {"/dev", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf",
                                           "/proc", "/run/.containerenv", "/sys"};
};

// The mount points of rootfs that are only the runtime's placeholders (see
// ContainerRootfs::mount_points), as absolute paths.
std::vector<std::string> runtime_placeholders(const ContainerRootfs& rootfs);

// The container's changes (upper_changes or copy_changes), without the
// runtime's placeholders.
std::vector<Change> container_changes(const ContainerRootfs& rootfs);

// The layer diff dirs of chain IDs (base first, as records keep them),
// top first, as ContainerRootfs::lowers wants them. Each layer dir holds
// that layer's own changes (with whiteouts), so all of them are merged.
// NOTE: should vfs layers become full copies of the image up to that
// layer, this must return only the top one for them (the one place to change).
std::vector<std::string> image_lower_dirs(const Store& store, const std::vector<std::string>& chain_ids);

struct CommitRequest {
  std::string parent_image_id;   // 64 hex
  json::Value container_config;  // the new image's "config" (Cmd, Env, ...), changes applied
  std::string container_id;
  std::string author;            // -a
  std::string comment;           // -m
  std::string created_by;        // history: the container's command
  std::vector<std::string> names;  // normalized names to point at the new image
};

struct CommitResult {
  ImageRecord image;
  std::string diff_id;  // of the new layer; "" when nothing changed (Docker
                        // then adds an empty_layer history entry, no layer)
};

// Writes the layer tar of the container's changes and stores the new
// image. Must run where layer files can be created (Context::write); the
// container must not change meanwhile (stopped, or paused by the caller).
CommitResult commit_container(Store& store, const ContainerRootfs& rootfs, const CommitRequest& request,
                              const archive::ExtractOptions& extract);

}  // namespace kayak::store
