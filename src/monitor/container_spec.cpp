#include "kayak/monitor/container_spec.hpp"

#include "kayak/store/volume.hpp"

#include "kayak/runtime/defaults.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/strings.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace kayak::monitor {

namespace {

bool has_mount_at(const std::vector<runtime::Mount>& mounts, const std::string& destination) {
  return std::any_of(mounts.begin(), mounts.end(), [&](const auto& m) { return m.destination == destination; });
}

// Userdata files are made again at every start, so a crash costs nothing
// and they need no fsync (which would cost a disk flush per file on the
// run path). Rewritten in place: the bind mount follows the inode.
void write_userdata_file(const std::string& path, const std::string& content) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) fail_errno("open {}", path);
  std::string_view rest = content;
  while (!rest.empty()) {
    ssize_t n = ::write(fd.get(), rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail_errno("write {}", path);
    rest.remove_prefix(static_cast<size_t>(n));
  }
}

runtime::NetworkNamespace network_of(SpecContext& context, const store::ContainerConfig& config,
                                     std::string& net_path) {
  const std::string& mode = config.network_mode;
  if (mode == "host") return runtime::NetworkNamespace::Host;
  if (mode.starts_with("ns:")) {
    net_path = mode.substr(3);
    return runtime::NetworkNamespace::Path;
  }
  if (mode.starts_with("container:")) {
    std::string other = context.containers.resolve(mode.substr(10));
    store::ContainerState state = context.containers.state(other);
    if (state.status != store::ContainerStatus::Running || state.pid <= 0)
      fail("cannot join the network of container {}: it is not running", mode.substr(10));
    net_path = fmt::format("/proc/{}/ns/net", state.pid);
    return runtime::NetworkNamespace::Path;
  }
  return runtime::NetworkNamespace::New;
}

}  // namespace

runtime::ContainerSpec build_container_spec(SpecContext& context, const store::ContainerConfig& config) {
  runtime::ContainerSpec spec;
  spec.identity = context.identity;

  // Rootfs: the image's layers, top first, under the container's upper dir.
  spec.rootfs.driver = config.driver;
  for (auto it = config.layers.rbegin(); it != config.layers.rend(); ++it)
    spec.rootfs.lower_dirs.push_back(fs::join(context.store.layer_dir(*it), "diff"));
  if (config.driver == "vfs") {
    spec.rootfs.vfs_dir = context.containers.vfs_dir(config.id);
  } else {
    spec.rootfs.upper_dir = context.containers.upper_dir(config.id);
    spec.rootfs.work_dir = context.containers.work_dir(config.id);
    spec.rootfs.userxattr = config.driver == "overlay" && context.identity.mode != IdentityMode::Root;
  }
  spec.rootfs.read_only = config.read_only;

  spec.hostname = config.hostname;
  spec.domainname = config.domainname;
  spec.network = network_of(context, config, spec.net_path);
  spec.privileged = config.privileged;
  if (!config.privileged) {
    spec.masked_paths = runtime::default_masked_paths();
    spec.readonly_paths = runtime::default_readonly_paths();
  }

  store::VolumeStore volumes(context.store.root());
  spec.mounts = runtime_mounts(config, [&](const std::string& name) { return volumes.data_dir(name); });

  // Userdata files, unless the user mounts something there.
  std::string userdata = context.containers.userdata_dir(config.id);
  fs::mkdir_p(userdata, 0700);
  auto bind_file = [&](const std::string& name, const std::string& destination, const std::string& content) {
    if (has_mount_at(spec.mounts, destination)) return;
    std::string path = fs::join(userdata, name);
    write_userdata_file(path, content);
    runtime::Mount mount;
    mount.type = "bind";
    mount.source = path;
    mount.destination = destination;
    mount.recursive = false;
    mount.file = true;
    mount.read_only = config.read_only;
    spec.mounts.push_back(std::move(mount));
  };
  std::string host_hosts, host_resolv;
  fs::read_file_if_exists("/etc/hosts", host_hosts);
  fs::read_file_if_exists("/etc/resolv.conf", host_resolv);
  bind_file("hosts", "/etc/hosts", make_hosts(config, host_hosts, context.host_address));
  bind_file("hostname", "/etc/hostname", config.hostname + "\n");
  bind_file("resolv.conf", "/etc/resolv.conf", make_resolv_conf(config, host_resolv, context.dns_forwarder));

  // --read-only keeps scratch space writable where programs expect it.
  if (config.read_only && config.read_only_tmpfs) {
    for (const char* path : {"/tmp", "/var/tmp", "/run"}) {
      if (has_mount_at(spec.mounts, path)) continue;
      runtime::Mount tmp;
      tmp.type = "tmpfs";
      tmp.source = "tmpfs";
      tmp.destination = path;
      tmp.flags = MS_NOSUID | MS_NODEV;
      tmp.data = "mode=1777";
      spec.mounts.push_back(std::move(tmp));
    }
  }

  spec.process = container_process(config, context.store.root());
  return spec;
}

}  // namespace kayak::monitor
