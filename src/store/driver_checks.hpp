// Private to the driver probe: the individual checks, each run in a
// scratch directory. A check returns an empty string when the driver works,
// else the reason it does not (for DriverInfo::fallback_reason).
#pragma once

#include <string>

namespace kayak::store::detail {

// Mounts kernel overlay over a small tree in scratch/kernel (with
// userxattr when asked) and checks that a char-device 0:0 whiteout and an
// opaque-directory xattr hide lower files and that writes land in the upper
// dir. Must run where mounting is allowed (root, or the user namespace's
// own mount namespace).
std::string check_kernel_overlay(const std::string& scratch, bool userxattr);

// The same with the fuse-overlayfs program over scratch/fuse, with
// ".wh."-file whiteouts (the format layers keep for non-kernel drivers).
std::string check_fuse_overlayfs(const std::string& scratch);

// Name of the file system holding path, as podman and Docker name it
// ("extfs", "xfs", "tmpfs", "btrfs", ...).
std::string backing_fs_name(const std::string& path);

// Whether readdir in dir reports file types (overlay needs it).
bool supports_d_type(const std::string& dir);

}  // namespace kayak::store::detail

namespace kayak::store::detail {

// The tree both overlay checks mount: lower holds "kept", "gone" and
// "opaque/hidden"; upper holds an empty "opaque" directory; the caller adds
// the whiteout for "gone" and marks "opaque" opaque in its own format.
struct ProbeTree {
  std::string lower, upper, work, merged;
};
ProbeTree make_probe_tree(const std::string& dir);

// Empty when the mounted merged view shows "kept", hides "gone" and
// "opaque/hidden", and a file written to it lands in upper; else what failed.
std::string check_merged_view(const ProbeTree& tree);

// Unmounts (lazily) when destroyed, so a failed check never leaves a mount.
class MountGuard {
public:
  explicit MountGuard(std::string target) : target_(std::move(target)) {}
  ~MountGuard();
  MountGuard(const MountGuard&) = delete;
  MountGuard& operator=(const MountGuard&) = delete;

private:
  std::string target_;
};

}  // namespace kayak::store::detail
