#include "kayak/commands/container_inspect.hpp"

#include "kayak/network/helper_plan.hpp"
#include "kayak/network/port_spec.hpp"

#include "kayak/commands/container_list.hpp"
#include "kayak/store/volume.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <algorithm>

namespace kayak::commands {

namespace {

constexpr const char* kZeroTime = "0001-01-01T00:00:00Z";

json::Value strings_or_null(const std::vector<std::string>& items) {
  return items.empty() ? json::Value() : json::Value::strings(items);
}

json::Value set_map(const std::vector<std::string>& keys) {
  if (keys.empty()) return {};
  json::Value v = json::Value::object();
  for (const auto& key : keys) v.set(key, json::Value::object());
  return v;
}

// -p values as Docker's PortBindings: {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}
// (a host range to choose from as "8000-8010", a port chosen at start as "").
json::Value port_bindings(const std::vector<std::string>& publish) {
  json::Value v = json::Value::object();
  for (const auto& b : network::parse_publish_all(publish)) {
    json::Value binding = json::Value::object();
    binding.set("HostIp", b.host_ip);
    std::string host = b.host_port ? std::to_string(b.host_port) : "";
    if (b.host_port_end) host += "-" + std::to_string(b.host_port_end);
    binding.set("HostPort", host);
    json::Value& list = v.slot(b.container_key());
    if (list.is_null() || list.is_object()) list = json::Value::array();
    list.push_back(std::move(binding));
  }
  return v;
}

json::Value state_json(const store::ContainerState& s) {
  bool running = s.status == store::ContainerStatus::Running || s.status == store::ContainerStatus::Paused;
  json::Value v = json::Value::object();
  v.set("Status", std::string(store::status_name(s.status)));
  v.set("Running", running);
  v.set("Paused", s.status == store::ContainerStatus::Paused);
  v.set("Restarting", false);
  v.set("OOMKilled", s.oom_killed);
  v.set("Dead", false);
  v.set("Pid", running ? s.pid : 0);
  v.set("ExitCode", s.exit_code);
  v.set("Error", s.error);
  v.set("StartedAt", s.started_at.empty() ? kZeroTime : s.started_at);
  v.set("FinishedAt", s.finished_at.empty() ? kZeroTime : s.finished_at);
  return v;
}

// As podman shows it: the helper that connects the container ("pasta",
// "slirp4netns") when there is one.
std::string network_mode_shown(const store::ContainerConfig& c, const store::ContainerState& s) {
  if (!network::is_private_mode(c.network_mode)) return network_name(c);
  if (!s.network_helper.empty()) return s.network_helper;
  if (c.network_mode.starts_with("pasta") || c.network_mode.starts_with("slirp4netns"))
    return c.network_mode.substr(0, c.network_mode.find(':'));
  return network_name(c);
}

json::Value host_config(const store::ContainerConfig& c, const store::ContainerState& s) {
  json::Value v = json::Value::object();
  v.set("Binds", strings_or_null(c.binds));
  v.set("ContainerIDFile", c.cidfile);
  json::Value log = json::Value::object();
  log.set("Type", c.log_driver);
  json::Value log_config = json::Value::object();
  for (const auto& [key, value] : c.log_options) log_config.set(key, value);
  log.set("Config", std::move(log_config));
  v.set("LogConfig", std::move(log));
  v.set("NetworkMode", network_mode_shown(c, s));
  v.set("PortBindings", port_bindings(c.publish));
  json::Value restart = json::Value::object();
  restart.set("Name", c.restart.name);
  restart.set("MaximumRetryCount", c.restart.max_retries);
  v.set("RestartPolicy", std::move(restart));
  v.set("AutoRemove", c.auto_remove);
  v.set("VolumeDriver", "");
  v.set("VolumesFrom", nullptr);
  v.set("CapAdd", strings_or_null(c.cap_add));
  v.set("CapDrop", strings_or_null(c.cap_drop));
  v.set("Dns", json::Value::strings(c.dns));
  v.set("DnsOptions", json::Value::strings(c.dns_options));
  v.set("DnsSearch", json::Value::strings(c.dns_search));
  v.set("ExtraHosts", strings_or_null(c.add_hosts));
  v.set("GroupAdd", nullptr);
  v.set("IpcMode", "private");
  v.set("Links", nullptr);
  v.set("PidMode", "");
  v.set("Privileged", c.privileged);
  v.set("PublishAllPorts", c.publish_all);
  v.set("ReadonlyRootfs", c.read_only);
  v.set("SecurityOpt", strings_or_null(c.security_opt));
  json::Value tmpfs = json::Value::object();
  for (const auto& m : c.mounts) {
    if (m.type == "tmpfs") tmpfs.set(m.destination, str::join(m.options, ","));
  }
  if (!tmpfs.empty()) v.set("Tmpfs", std::move(tmpfs));
  v.set("UTSMode", "");
  v.set("UsernsMode", "");
  v.set("Memory", c.memory);
  v.set("NanoCpus", c.nano_cpus);
  v.set("PidsLimit", c.pids_limit ? json::Value(c.pids_limit) : json::Value());
  json::Value ulimits = json::Value::array();
  for (const auto& u : c.ulimits) {
    json::Value l = json::Value::object();
    l.set("Name", u.name);
    l.set("Hard", u.hard);
    l.set("Soft", u.soft);
    ulimits.push_back(std::move(l));
  }
  v.set("Ulimits", c.ulimits.empty() ? json::Value() : std::move(ulimits));
  return v;
}

// store_root: where volumes live (a volume's Source is its data dir, as Docker shows it).
json::Value mounts_json(const store::ContainerConfig& c, const std::string& store_root) {
  store::VolumeStore volumes(store_root);
  json::Value list = json::Value::array();
  for (const auto& m : c.mounts) {
    json::Value v = json::Value::object();
    v.set("Type", m.type);
    if (m.type == "volume") v.set("Name", m.source);
    v.set("Source", m.type == "bind" ? m.source : m.type == "volume" ? volumes.data_dir(m.source) : "");
    v.set("Destination", m.destination);
    if (m.type == "volume") v.set("Driver", "local");
    v.set("Mode", str::join(m.options, ","));
    v.set("RW", !m.read_only);
    v.set("Propagation", m.type == "bind" ? "rprivate" : "");
    list.push_back(std::move(v));
  }
  return list;
}

json::Value config_json(const store::ContainerConfig& c) {
  json::Value v = json::Value::object();
  v.set("Hostname", c.hostname);
  v.set("Domainname", c.domainname);
  v.set("User", c.user);
  v.set("AttachStdin", c.attach_stdin);
  v.set("AttachStdout", c.attach_stdout);
  v.set("AttachStderr", c.attach_stderr);
  if (!c.exposed_ports.empty()) v.set("ExposedPorts", set_map(c.exposed_ports));
  v.set("Tty", c.tty);
  v.set("OpenStdin", c.open_stdin);
  v.set("StdinOnce", c.stdin_once);
  v.set("Env", strings_or_null(c.env));
  v.set("Cmd", strings_or_null(c.cmd));
  v.set("Image", c.image_name);
  v.set("Volumes", set_map(c.volumes));
  v.set("WorkingDir", c.working_dir);
  v.set("Entrypoint", strings_or_null(c.entrypoint));
  v.set("OnBuild", nullptr);
  json::Value labels = json::Value::object();
  for (const auto& [key, value] : c.labels) labels.set(key, value);
  v.set("Labels", std::move(labels));
  if (!c.stop_signal.empty()) v.set("StopSignal", c.stop_signal);
  if (c.stop_timeout) v.set("StopTimeout", *c.stop_timeout);
  return v;
}

json::Value network_settings(const store::ContainerConfig& c, const store::ContainerState& s) {
  bool running = s.status == store::ContainerStatus::Running || s.status == store::ContainerStatus::Paused;
  json::Value v = json::Value::object();
  v.set("Bridge", "");
  v.set("SandboxID", "");
  v.set("SandboxKey", "");
  json::Value ports = json::Value::object();
  if (running) {
    // As bound by this start: chosen host ports are numbers here.
    json::Value bindings = port_bindings(s.published_ports);
    for (const auto& port : c.exposed_ports) {
      const json::Value* b = bindings.find(port);
      ports.set(port, b ? *b : json::Value());
    }
  }
  v.set("Ports", std::move(ports));
  v.set("Networks", json::Value::object());
  return v;
}

}  // namespace

json::Value inspect_container(const store::ContainerStore& containers, const store::ContainerConfig& c,
                              const store::ContainerState& s, std::optional<int64_t> size_rw, int64_t image_size) {
  std::string userdata = containers.userdata_dir(c.id);
  json::Value v = json::Value::object();
  v.set("Id", c.id);
  v.set("Created", c.created);
  v.set("Path", c.path);
  v.set("Args", json::Value::strings(c.args));
  v.set("State", state_json(s));
  v.set("Image", "sha256:" + c.image_id);
  v.set("ResolvConfPath", fs::join(userdata, "resolv.conf"));
  v.set("HostnamePath", fs::join(userdata, "hostname"));
  v.set("HostsPath", fs::join(userdata, "hosts"));
  v.set("LogPath", c.log_driver == "k8s-file" ? containers.log_path(c.id) : "");
  v.set("Name", "/" + c.name);
  v.set("RestartCount", s.restart_count);
  v.set("Driver", c.driver);
  v.set("Platform", "linux");
  v.set("MountLabel", "");
  v.set("ProcessLabel", "");
  v.set("AppArmorProfile", "");
  v.set("ExecIDs", nullptr);
  v.set("HostConfig", host_config(c, s));
  json::Value graph = json::Value::object();
  json::Value data = json::Value::object();
  if (c.driver == "vfs") {
    data.set("Dir", containers.vfs_dir(c.id));
  } else {
    std::vector<std::string> lowers;
    for (auto it = c.layers.rbegin(); it != c.layers.rend(); ++it) {
      lowers.push_back(fs::join(fs::dirname(fs::dirname(containers.dir(c.id))), "layers/" + *it + "/diff"));
    }
    data.set("LowerDir", str::join(lowers, ":"));
    data.set("MergedDir", fs::join(containers.run_dir(c.id), "merged"));
    data.set("UpperDir", containers.upper_dir(c.id));
    data.set("WorkDir", containers.work_dir(c.id));
  }
  graph.set("Data", std::move(data));
  graph.set("Name", c.driver);
  v.set("GraphDriver", std::move(graph));
  if (size_rw) {
    v.set("SizeRw", *size_rw);
    v.set("SizeRootFs", *size_rw + image_size);
  }
  v.set("Mounts", mounts_json(c, fs::dirname(fs::dirname(containers.dir(c.id)))));
  v.set("Config", config_json(c));
  v.set("NetworkSettings", network_settings(c, s));
  return v;
}

json::Value container_template_view(const json::Value& inspect_object) {
  json::Value view = template_view(inspect_object);
  if (json::Value* ids = view.find("ExecIDs"); ids && ids->is_null()) *ids = json::Value::array();
  if (json::Value* host = view.find("HostConfig"); host && host->is_object()) {
    for (const char* list : {"Binds", "VolumesFrom", "CapAdd", "CapDrop", "ExtraHosts", "GroupAdd", "Links",
                             "SecurityOpt", "Ulimits"}) {
      json::Value* field = host->find(list);
      if (field && field->is_null()) *field = json::Value::array();
    }
  }
  return view;
}

int64_t container_rw_size(store::Context& ctx, const std::string& id) {
  store::ContainerStore containers(ctx.store());
  std::string dir = fs::is_dir(containers.vfs_dir(id)) ? containers.vfs_dir(id) : containers.upper_dir(id);
  json::Value size = ctx.write([&] {
    try {
      return json::Value(static_cast<int64_t>(fs::tree_size(dir)));
    } catch (const Error&) {
      return json::Value(0);
    }
  });
  return size.as_int();
}

std::vector<InspectItem> inspect_containers(store::Context& ctx, const std::vector<std::string>& targets, bool size) {
  store::ContainerStore containers(ctx.store());
  std::vector<InspectItem> items;
  for (const auto& target : targets) {
    InspectItem item;
    item.target = target;
    try {
      std::string id = containers.resolve(target);
      store::ContainerConfig config = containers.config(id);
      store::ContainerState state = containers.state(id);
      std::optional<int64_t> rw;
      int64_t image_size = 0;
      if (size) {
        rw = container_rw_size(ctx, id);
        FileLock lock = ctx.store().lock_shared();
        if (auto image = ctx.store().image(config.image_id)) image_size = image->size;
      }
      item.object = inspect_container(containers, config, state, rw, image_size);
    } catch (const Error& e) {
      item.error = e.what();
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace kayak::commands
