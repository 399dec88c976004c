// What the runtime needs to start a container process or exec into one: a
// plain description computed by the caller (the monitor builds it from the
// stored ContainerConfig). The runtime turns it into a launch plan (DESIGN
// "Threads, the child and the hot path"): every string and syscall argument
// prepared in the parent, walked by the child with raw syscalls.
#pragma once

#include "kayak/util/idmap.hpp"

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kayak::runtime {

// The container's root file system.
struct RootfsSpec {
  std::string driver;                  // "overlay" | "fuse-overlayfs" | "vfs"
  std::vector<std::string> lower_dirs; // layer diff dirs, TOP first (overlay order)
  std::string upper_dir;               // overlay/fuse: per-container upper
  std::string work_dir;                // overlay/fuse: per-container work
  bool userxattr = false;              // kernel overlay inside a user namespace
  std::string vfs_dir;                 // vfs: the container's full copy
  // overlay/fuse: where the merged view is mounted, inside the container's
  // own mount namespace only (created if missing; default: "merged" next to
  // upper_dir). vfs: unused, vfs_dir is bound onto itself.
  std::string mount_point;
  bool read_only = false;              // --read-only
};

// A mount inside the container, applied after the rootfs and the standard
// /proc, /dev, /sys mounts, in order.
struct Mount {
  std::string type;         // "bind" | "tmpfs" | "mqueue" | ...
  std::string source;       // host path for binds
  std::string destination;  // absolute path in the container
  bool read_only = false;
  bool recursive = true;    // rbind
  std::string data;         // tmpfs options: "size=...,mode=1777"
  unsigned long flags = 0;  // MS_NOSUID | MS_NODEV | MS_NOEXEC as asked
  // Bind a file (hosts, hostname, resolv.conf) rather than a directory;
  // decides whether the target is created as a file or a dir.
  bool file = false;
};

struct Rlimit {
  int resource = 0;  // RLIMIT_*
  uint64_t soft = 0;
  uint64_t hard = 0;  // never above the caller's hard limit (checked when planning)
};

// The process to run (container init, or an exec).
struct ProcessSpec {
  std::vector<std::string> args;  // args[0] is looked up in PATH from env when it has no '/'
  std::vector<std::string> env;   // K=V
  std::string cwd = "/";
  // "", "name", "uid", "name:group", "uid:gid": resolved in the container
  // against its /etc/passwd and /etc/group (with supplementary groups).
  std::string user;
  std::vector<gid_t> extra_gids;  // --group-add (numeric)
  bool tty = false;               // stdio is a pty the runtime creates in the container
  bool no_new_privileges = false;
  // Capability sets by number. Docker: a root process gets `caps` in every
  // set; a non-root one only in the bounding set.
  std::vector<int> caps;
  // Compiled seccomp BPF (struct sock_filter array); empty: unconfined.
  std::string seccomp_bpf;
  std::vector<Rlimit> rlimits;
  std::optional<std::string> apparmor_profile;  // unused on this machine; kept for inspect
};

enum class NetworkNamespace {
  New,   // private (loopback only until the network module adds more)
  Host,  // no new network namespace
  Path,  // join the namespace at net_path (container:X, ns:PATH)
};

struct ContainerSpec {
  Identity identity;  // Root: no user namespace; else the mapping to apply
  RootfsSpec rootfs;
  std::vector<Mount> mounts;
  std::string hostname;
  std::string domainname;
  NetworkNamespace network = NetworkNamespace::New;
  std::string net_path;
  std::vector<std::string> masked_paths;     // Docker's defaults unless privileged
  std::vector<std::string> readonly_paths;
  bool privileged = false;  // host devices, no masks, all caps, no seccomp
  ProcessSpec process;
  // An O_DIRECTORY fd of the container's cgroup v2 directory
  // (create_container_cgroup in runtime/cgroup.hpp), or -1: the init is
  // cloned straight into it (CLONE_INTO_CGROUP). Owned by the caller.
  int cgroup_fd = -1;
  // A socket, or -1: the init installs a filter that stops every bind(2)
  // of the container's processes for a supervisor (SECCOMP_RET_USER_NOTIF)
  // and sends the filter's listener fd here (network's bind redirector,
  // which serves published TCP ports on host sockets). Where the kernel
  // refuses the filter the init only closes the socket. Owned by the caller.
  int bind_notify_socket = -1;
};

}  // namespace kayak::runtime
