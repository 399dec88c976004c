// The mount flags of create/run: -v/--volume, --mount and --tmpfs, turned
// into store::MountSpec with Docker's rules and Docker's error texts, plus
// the image's VOLUME paths as anonymous volumes.
//
//   -v /host:/ctr[:OPTS]   bind (the host path is absolute)
//   -v NAME:/ctr[:OPTS]    named volume
//   -v /ctr                anonymous volume
//   --mount type=bind|volume|tmpfs,source=,target=,readonly,...   (CSV)
//   --tmpfs /ctr[:OPTS]
//
// What the fields hold (the runtime mounts from these):
//   type        "bind" | "volume" | "tmpfs"
//   source      host path (bind, cleaned), volume name (volume; "" for an
//               anonymous volume until prepare_volumes names it), "" (tmpfs)
//   destination absolute and cleaned ("/data", never "/")
//   read_only   ro / readonly
//   anonymous   volume made for this container (`-v /ctr`, image VOLUME)
//   options     everything else, one word each, in Docker's spelling:
//               "z", "Z", "rprivate"... (propagation), "nocopy",
//               tmpfs: "size=65536k", "mode=1777", "noexec", ... as given
//               (Docker adds no defaults to --tmpfs options beyond what the
//               runtime uses for every tmpfs: nosuid, nodev, noexec).
#pragma once

#include "kayak/store/container.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace kayak::commands {

// One -v/--volume value. Throws kayak::Error with Docker's text, e.g.
// "invalid volume specification: '/a:b': invalid mount config for type
// \"bind\": invalid mount path: 'b' mount path must be absolute".
store::MountSpec parse_volume_flag(std::string_view value);

// One --mount value (CSV fields as Docker reads them, quotes included).
// Errors read "invalid argument \"VALUE\" for \"--mount\" flag: ..." for
// what Docker's CLI rejects, and "invalid mount config for type ..." for
// what its daemon rejects.
store::MountSpec parse_mount_flag(std::string_view value);

// One --tmpfs value: "/path" or "/path:opt,opt".
store::MountSpec parse_tmpfs_flag(std::string_view value);

// Every mount flag of one create/run.
struct MountFlags {
  std::vector<std::string> volumes;  // -v, in order
  std::vector<std::string> mounts;   // --mount
  std::vector<std::string> tmpfs;    // --tmpfs
};

// Parses all of them and checks them together: two mounts on one
// destination fail with "Duplicate mount point: /data". A --mount bind whose
// source is missing fails ("bind source path does not exist: /x"); a -v
// bind's missing source is created here (0755, as the caller), as Docker
// does. Order: --tmpfs, -v, --mount (the order the runtime mounts them in
// does not matter: destinations are unique).
std::vector<store::MountSpec> parse_mount_flags(const MountFlags& flags);

// Adds an anonymous volume for each image VOLUME path that no mount in
// `mounts` already covers (same destination after cleaning), as Docker does.
void add_image_volumes(std::vector<store::MountSpec>& mounts, const std::vector<std::string>& image_volumes);

// "/a//b/../c/" -> "/a/c" (Go's path.Clean, which Docker applies to paths).
std::string clean_path(std::string_view path);

}  // namespace kayak::commands
