// The mount half of a launch plan: rootfs, standard file systems, the
// caller's mounts, Docker's masks, pivot_root.
#include "planner.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/mount.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

namespace kayak::runtime::detail {

namespace {

// The longest option string mount(2) accepts is one page including the NUL.
constexpr size_t kMountDataMax = 4095;

// "/a/./b//c" -> "a/b/c" (relative to the rootfs). ".." stays: it is resolved
// inside the rootfs by the child, never above it.
std::string relative_in_root(const std::string& destination) {
  if (destination.empty() || destination[0] != '/') fail("mount destination {} is not an absolute path", destination);
  std::vector<std::string> parts;
  for (auto& part : str::split(destination, '/')) {
    if (part.empty() || part == ".") continue;
    parts.push_back(part);
  }
  if (parts.empty()) fail("cannot mount on / (the container's root)");
  return str::join(parts, "/");
}

std::string find_program(const char* name) {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH")) dirs = str::split(path, ':');
  for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"}) dirs.emplace_back(dir);
  for (const auto& dir : dirs) {
    if (dir.empty()) continue;
    std::string candidate = fs::join(dir, name);
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  fail("{} not found in $PATH (the store's rootfs driver is fuse-overlayfs: install it)", name);
}

void check_overlay_path(const std::string& path) {
  // overlay splits its options at ',' and lowerdir at ':'.
  if (path.find_first_of(",:") != std::string::npos) fail("overlay cannot use the path {}: it contains ',' or ':'", path);
}

// lowerdir=...,upperdir=...,workdir=...: absolute paths when they fit in a
// page; else every lower dir as /proc/self/fd/N (about 20 bytes a layer
// instead of 80+), so images with a hundred layers still mount. The fds
// must be opened in the child's own mount namespace (overlay refuses layers
// reached through another namespace's mounts): the parent reserves the
// numbers with placeholders and the child opens each layer onto its number.
std::string overlay_options(Plan& plan, const RootfsSpec& rootfs, bool userxattr, PlanFds& fds, bool allow_fd_names) {
  if (rootfs.lower_dirs.empty()) fail("the image has no layers to mount");
  for (const auto& dir : rootfs.lower_dirs) check_overlay_path(dir);
  check_overlay_path(rootfs.upper_dir);
  check_overlay_path(rootfs.work_dir);
  std::string tail = fmt::format(",upperdir={},workdir={}{}", rootfs.upper_dir, rootfs.work_dir,
                                 userxattr ? ",userxattr" : "");
  std::string options = "lowerdir=" + str::join(rootfs.lower_dirs, ":") + tail;
  if (options.size() <= kMountDataMax || !allow_fd_names) return options;
  std::vector<std::string> names;
  for (const auto& dir : rootfs.lower_dirs) {
    UniqueFd placeholder(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!placeholder) fail_errno("open /dev/null");
    Step& s = plan.add(Op::OpenDirAt, fmt::format("open the layer {}", dir));
    s.a = plan.keep(dir);
    s.fd = placeholder.get();
    names.push_back(fmt::format("/proc/self/fd/{}", placeholder.get()));
    fds.fds.push_back(std::move(placeholder));
  }
  options = "lowerdir=" + str::join(names, ":") + tail;
  if (options.size() > kMountDataMax) {
    fail("too many layers to mount ({}): the overlay options do not fit in a page", rootfs.lower_dirs.size());
  }
  return options;
}

std::string default_mount_point(const RootfsSpec& rootfs) {
  if (!rootfs.mount_point.empty()) return rootfs.mount_point;
  return fs::join(fs::dirname(rootfs.upper_dir), "merged");
}

// Mounts the rootfs in the child's mount namespace; returns its host path.
std::string plan_rootfs(Plan& plan, PlanFds& fds, const ContainerSpec& spec) {
  const RootfsSpec& rootfs = spec.rootfs;
  bool userxattr = rootfs.userxattr || spec.identity.mode != IdentityMode::Root;
  if (rootfs.driver == "vfs") {
    if (rootfs.vfs_dir.empty()) fail("vfs rootfs without a directory");
    // A bind onto itself makes the copy a mount point, which pivot_root needs.
    Step& s = plan.add(Op::MountHost, fmt::format("bind {} on /", rootfs.vfs_dir));
    s.a = s.b = plan.keep(rootfs.vfs_dir);
    s.flags = MS_BIND | MS_REC;
    return rootfs.vfs_dir;
  }
  std::string mount_point = default_mount_point(rootfs);
  fs::mkdir_p(mount_point, 0700);
  if (rootfs.driver == "overlay") {
    const char* options = plan.keep(overlay_options(plan, rootfs, userxattr, fds, true));
    Step& s = plan.add(Op::MountHost, "mount overlay on /");
    s.a = "overlay";
    s.b = plan.keep(mount_point);
    s.c = "overlay";
    s.d = options;
    return mount_point;
  }
  if (rootfs.driver == "fuse-overlayfs") {
    std::string program = find_program("fuse-overlayfs");
    // fuse-overlayfs keeps the lower dirs open itself; its argument has no
    // page limit, so plain paths always do.
    std::string options = overlay_options(plan, rootfs, false, fds, false);
    fds.program_output.reset(::memfd_create("kayak-fuse-overlayfs", MFD_CLOEXEC));
    if (!fds.program_output) fail_errno("memfd_create");
    Step& s = plan.add(Op::RunProgram, "mount fuse-overlayfs on /");
    s.a = plan.keep(program);
    s.argv = plan.keep_array({program, "-o", options, mount_point});
    s.envp = plan.keep_array({"PATH=/usr/local/bin:/usr/bin:/bin"});
    s.fd = fds.program_output.get();
    // pivot_root moves the root of every process of the mount namespace
    // that sits at the old root, the daemon's too: it would then serve
    // requests through its own mount and deadlock. So the daemon keeps this
    // namespace; the container continues in a copy, which has the mount.
    plan.add(Op::UnshareMounts, "create the container's mount namespace");
    return mount_point;
  }
  fail("unknown rootfs driver {:?}", rootfs.driver);
}

void mount_in(Plan& plan, std::string description, const char* source, const std::string& target, const char* fstype,
              unsigned long flags, const char* data, int create, bool skip_missing = false) {
  Step& s = plan.add(Op::MountIn, std::move(description));
  s.a = source;
  s.b = plan.keep(target);
  s.c = fstype;
  s.flags = flags;
  s.d = data;
  s.kind = create;
  s.x = skip_missing ? 1 : 0;
}

void set_attr_in(Plan& plan, std::string description, const std::string& target, uint64_t attrs, bool recursive,
                 bool skip_missing = false) {
  Step& s = plan.add(Op::SetAttrIn, std::move(description));
  s.b = plan.keep(target);
  s.x = attrs;
  s.kind = recursive ? 1 : 0;
  s.y = skip_missing ? 1 : 0;
}

bool gid_is_mapped(const Identity& id, gid_t gid) {
  if (id.mode == IdentityMode::Root) return true;
  for (const auto& e : id.mapping.gids) {
    if (gid >= e.container_id && gid - e.container_id < e.size) return true;
  }
  return false;
}

void plan_dev(Plan& plan, const ContainerSpec& spec, const std::string& root) {
  if (spec.privileged) {
    mount_in(plan, "bind /dev on /dev", "/dev", "dev", nullptr, MS_BIND | MS_REC, nullptr, CreateDir);
  } else {
    mount_in(plan, "mount tmpfs on /dev", "tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k",
             CreateDir);
    // Device nodes cannot be created in a user namespace: bind the host's.
    for (const char* name : {"null", "zero", "full", "random", "urandom", "tty"}) {
      std::string path = fmt::format("/dev/{}", name);
      mount_in(plan, fmt::format("bind {} on {}", path, path), plan.keep(path), path.substr(1), nullptr, MS_BIND,
               nullptr, CreateFile);
    }
  }
  // tty group 5 where it exists in the namespace (not with a single mapping).
  std::string devpts = "newinstance,ptmxmode=0666,mode=0620";
  if (gid_is_mapped(spec.identity, 5)) devpts += ",gid=5";
  mount_in(plan, "mount devpts on /dev/pts", "devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, plan.keep(devpts),
           CreateDir);
  if (spec.privileged) {
    // The host's ptmx node would open ptys in the host's devpts.
    mount_in(plan, "bind /dev/pts/ptmx on /dev/ptmx", plan.keep(root + "/dev/pts/ptmx"), "dev/ptmx", nullptr, MS_BIND,
             nullptr, CreateFile);
  }
  mount_in(plan, "mount tmpfs on /dev/shm", "shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
           "mode=1777,size=65536k", CreateDir);
  mount_in(plan, "mount mqueue on /dev/mqueue", "mqueue", "dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC,
           nullptr, CreateDir);
  for (auto [target, link] : {std::pair{"pts/ptmx", "dev/ptmx"}, {"/proc/self/fd", "dev/fd"},
                              {"/proc/self/fd/0", "dev/stdin"}, {"/proc/self/fd/1", "dev/stdout"},
                              {"/proc/self/fd/2", "dev/stderr"}, {"/proc/kcore", "dev/core"}}) {
    Step& s = plan.add(Op::SymlinkIn, fmt::format("create the symlink /{} -> {}", link, target));
    s.a = target;
    s.b = link;
  }
}

void plan_user_mount(Plan& plan, const Mount& m) {
  std::string rel = relative_in_root(m.destination);
  bool ro = m.read_only || (m.flags & MS_RDONLY);
  uint64_t attrs = (ro ? MOUNT_ATTR_RDONLY : 0) | ((m.flags & MS_NOSUID) ? MOUNT_ATTR_NOSUID : 0) |
                   ((m.flags & MS_NODEV) ? MOUNT_ATTR_NODEV : 0) | ((m.flags & MS_NOEXEC) ? MOUNT_ATTR_NOEXEC : 0);
  if (m.type == "bind") {
    struct stat st;
    if (::stat(m.source.c_str(), &st) < 0) fail_errno("mount {} on {}", m.source, m.destination);
    int create = (m.file || !S_ISDIR(st.st_mode)) ? CreateFile : CreateDir;
    mount_in(plan, fmt::format("mount {} on {}", m.source, m.destination), plan.keep(m.source), rel, nullptr,
             MS_BIND | (m.recursive ? MS_REC : 0), nullptr, create);
    // Flags given with MS_BIND are ignored: set them on the new mount.
    if (attrs != 0) {
      set_attr_in(plan, fmt::format("make {} {}", m.destination, ro ? "read-only" : "nosuid/nodev/noexec"), rel, attrs,
                  m.recursive);
    }
    return;
  }
  if (m.type.empty()) fail("mount on {}: no type", m.destination);
  const char* source = plan.keep(m.source.empty() ? m.type : m.source);
  unsigned long flags = m.flags | (ro ? MS_RDONLY : 0);
  mount_in(plan, fmt::format("mount {} on {}", m.type, m.destination), source, rel, plan.keep(m.type), flags,
           m.data.empty() ? nullptr : plan.keep(m.data), m.file ? CreateFile : CreateDir);
}

}  // namespace

void plan_container_setup(Plan& plan, PlanFds& fds, const ContainerSpec& spec) {
  plan.add(Op::MakeMountsPrivate, "make the container's mounts private");
  std::string root = plan_rootfs(plan, fds, spec);
  {
    Step& s = plan.add(Op::OpenRoot, fmt::format("open the rootfs {}", root));
    s.a = plan.keep(root);
  }
  mount_in(plan, "mount proc on /proc", "proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr, CreateDir);
  plan_dev(plan, spec, root);
  {
    Step& s = plan.add(Op::SysfsOrBind, "mount sysfs on /sys");
    s.b = "sys";
    s.flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | (spec.privileged ? 0 : MS_RDONLY);
  }
  for (const auto& m : spec.mounts) plan_user_mount(plan, m);
  if (!spec.privileged) {
    for (const auto& path : spec.masked_paths) {
      Step& s = plan.add(Op::MaskIn, fmt::format("mask {}", path));
      s.b = plan.keep(relative_in_root(path));
    }
    for (const auto& path : spec.readonly_paths) {
      std::string rel = relative_in_root(path);
      // Bound onto itself through our own proc/sys mounts (no image path
      // is involved), then made read-only.
      mount_in(plan, fmt::format("bind {} on itself", path), plan.keep(root + "/" + rel), rel, nullptr,
               MS_BIND | MS_REC, nullptr, CreateNone, true);
      set_attr_in(plan, fmt::format("make {} read-only", path), rel,
                  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, true, true);
    }
  }
  if (spec.rootfs.read_only) {
    // The working directory is made while the rootfs is still writable (as
    // Docker makes it at create), else a missing one fails with EROFS.
    const std::string& cwd = spec.process.cwd;
    if (!cwd.empty() && cwd[0] == '/' && cwd.find_first_not_of('/') != std::string::npos) {
      Step& s = plan.add(Op::MkdirIn, fmt::format("create the working directory {}", cwd));
      s.b = plan.keep(relative_in_root(cwd));
    }
    set_attr_in(plan, "make the rootfs read-only", ".", MOUNT_ATTR_RDONLY, false);
  }
  plan.add(Op::PivotRoot, fmt::format("pivot_root to {}", root));
  if (!spec.hostname.empty()) {
    Step& s = plan.add(Op::SetHostname, fmt::format("set the hostname {}", spec.hostname));
    s.a = plan.keep(spec.hostname);
  }
  if (!spec.domainname.empty()) {
    Step& s = plan.add(Op::SetDomainname, fmt::format("set the domain name {}", spec.domainname));
    s.a = plan.keep(spec.domainname);
  }
  // A fresh network namespace has `lo` down; Docker and Podman bring it up,
  // and programs expect 127.0.0.1 to work (redis-cli, health checks).
  if (spec.network == NetworkNamespace::New) plan.add(Op::LoopbackUp, "bring up the loopback interface lo");
}

}  // namespace kayak::runtime::detail
