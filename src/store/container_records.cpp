// config.json and state.json: the container records as kayak stores them
// (its own field names, not Docker's; `inspect` builds Docker's shape).
#include "kayak/store/container.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/sha256.hpp"

namespace kayak::store {

namespace {

json::Value pairs_to_json(const std::vector<std::pair<std::string, std::string>>& pairs) {
  json::Value v = json::Value::object();
  for (const auto& [key, value] : pairs) v.set(key, value);
  return v;
}

std::vector<std::pair<std::string, std::string>> pairs_from_json(const json::Value& v) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!v.is_object()) return out;
  for (const auto& [key, value] : v.as_object()) {
    out.emplace_back(key, value.is_string() ? value.as_string() : std::string());
  }
  return out;
}

}  // namespace

json::Value MountSpec::to_json() const {
  json::Value v = json::Value::object();
  v.set("type", type);
  v.set("source", source);
  v.set("destination", destination);
  v.set("read_only", read_only);
  v.set("anonymous", anonymous);
  v.set("options", json::Value::strings(options));
  return v;
}

MountSpec MountSpec::from_json(const json::Value& doc) {
  MountSpec m;
  m.type = doc.string_or("type");
  m.source = doc.string_or("source");
  m.destination = doc.string_or("destination");
  m.read_only = doc.bool_or("read_only");
  m.anonymous = doc.bool_or("anonymous");
  m.options = doc.strings_at("options");
  return m;
}

json::Value ContainerConfig::to_json() const {
  json::Value v = json::Value::object();
  v.set("id", id);
  v.set("name", name);
  v.set("created", created);
  v.set("image_id", image_id);
  v.set("image_name", image_name);
  v.set("layers", json::Value::strings(layers));
  v.set("driver", driver);
  v.set("path", path);
  v.set("args", json::Value::strings(args));
  v.set("cmd", json::Value::strings(cmd));
  v.set("entrypoint", json::Value::strings(entrypoint));
  v.set("env", json::Value::strings(env));
  v.set("working_dir", working_dir);
  v.set("user", user);
  v.set("hostname", hostname);
  v.set("domainname", domainname);
  v.set("tty", tty);
  v.set("open_stdin", open_stdin);
  v.set("attach_stdin", attach_stdin);
  v.set("attach_stdout", attach_stdout);
  v.set("attach_stderr", attach_stderr);
  v.set("stdin_once", stdin_once);
  v.set("stop_signal", stop_signal);
  if (stop_timeout) v.set("stop_timeout", *stop_timeout);
  v.set("labels", pairs_to_json(labels));
  v.set("exposed_ports", json::Value::strings(exposed_ports));
  v.set("volumes", json::Value::strings(volumes));
  json::Value mount_list = json::Value::array();
  for (const auto& m : mounts) mount_list.push_back(m.to_json());
  v.set("mounts", std::move(mount_list));
  v.set("binds", json::Value::strings(binds));
  v.set("publish", json::Value::strings(publish));
  v.set("publish_all", publish_all);
  v.set("security_opt", json::Value::strings(security_opt));
  v.set("cap_add", json::Value::strings(cap_add));
  v.set("cap_drop", json::Value::strings(cap_drop));
  v.set("privileged", privileged);
  v.set("no_new_privileges", no_new_privileges);
  v.set("seccomp_profile", seccomp_profile);
  v.set("read_only", read_only);
  v.set("read_only_tmpfs", read_only_tmpfs);
  json::Value limits = json::Value::array();
  for (const auto& u : ulimits) {
    json::Value l = json::Value::object();
    l.set("name", u.name);
    l.set("soft", u.soft);
    l.set("hard", u.hard);
    limits.push_back(std::move(l));
  }
  v.set("ulimits", std::move(limits));
  json::Value restart_doc = json::Value::object();
  restart_doc.set("name", restart.name);
  restart_doc.set("max_retries", restart.max_retries);
  v.set("restart", std::move(restart_doc));
  v.set("auto_remove", auto_remove);
  v.set("network_mode", network_mode);
  v.set("dns", json::Value::strings(dns));
  v.set("dns_search", json::Value::strings(dns_search));
  v.set("dns_options", json::Value::strings(dns_options));
  v.set("add_hosts", json::Value::strings(add_hosts));
  v.set("log_driver", log_driver);
  v.set("log_options", pairs_to_json(log_options));
  v.set("memory", memory);
  v.set("pids_limit", pids_limit);
  v.set("nano_cpus", nano_cpus);
  v.set("cidfile", cidfile);
  v.set("sdnotify", sdnotify);
  v.set("pidfile", pidfile);
  v.set("create_command", json::Value::strings(create_command));
  return v;
}

ContainerConfig ContainerConfig::from_json(const json::Value& doc) {
  ContainerConfig c;
  c.id = doc.string_or("id");
  if (!is_sha256_hex(c.id)) fail("corrupt container record: id \"{}\"", c.id);
  c.name = doc.string_or("name");
  c.created = doc.string_or("created");
  c.image_id = doc.string_or("image_id");
  c.image_name = doc.string_or("image_name");
  c.layers = doc.strings_at("layers");
  c.driver = doc.string_or("driver");
  c.path = doc.string_or("path");
  c.args = doc.strings_at("args");
  c.cmd = doc.strings_at("cmd");
  c.entrypoint = doc.strings_at("entrypoint");
  c.env = doc.strings_at("env");
  c.working_dir = doc.string_or("working_dir");
  c.user = doc.string_or("user");
  c.hostname = doc.string_or("hostname");
  c.domainname = doc.string_or("domainname");
  c.tty = doc.bool_or("tty");
  c.open_stdin = doc.bool_or("open_stdin");
  c.attach_stdin = doc.bool_or("attach_stdin");
  c.attach_stdout = doc.bool_or("attach_stdout", true);
  c.attach_stderr = doc.bool_or("attach_stderr", true);
  c.stdin_once = doc.bool_or("stdin_once");
  c.stop_signal = doc.string_or("stop_signal", "SIGTERM");
  if (const json::Value* t = doc.find("stop_timeout"); t && t->is_int()) c.stop_timeout = static_cast<int>(t->as_int());
  c.labels = pairs_from_json(doc["labels"]);
  c.exposed_ports = doc.strings_at("exposed_ports");
  c.volumes = doc.strings_at("volumes");
  if (doc["mounts"].is_array()) {
    for (const auto& m : doc["mounts"].as_array()) c.mounts.push_back(MountSpec::from_json(m));
  }
  c.binds = doc.strings_at("binds");
  c.publish = doc.strings_at("publish");
  c.publish_all = doc.bool_or("publish_all");
  c.security_opt = doc.strings_at("security_opt");
  c.cap_add = doc.strings_at("cap_add");
  c.cap_drop = doc.strings_at("cap_drop");
  c.privileged = doc.bool_or("privileged");
  c.no_new_privileges = doc.bool_or("no_new_privileges");
  c.seccomp_profile = doc.string_or("seccomp_profile");
  c.read_only = doc.bool_or("read_only");
  c.read_only_tmpfs = doc.bool_or("read_only_tmpfs", true);
  if (doc["ulimits"].is_array()) {
    for (const auto& l : doc["ulimits"].as_array()) {
      c.ulimits.push_back(Ulimit{l.string_or("name"), l.int_or("soft"), l.int_or("hard")});
    }
  }
  c.restart.name = doc["restart"].string_or("name", "no");
  c.restart.max_retries = static_cast<int>(doc["restart"].int_or("max_retries"));
  c.auto_remove = doc.bool_or("auto_remove");
  c.network_mode = doc.string_or("network_mode");
  c.dns = doc.strings_at("dns");
  c.dns_search = doc.strings_at("dns_search");
  c.dns_options = doc.strings_at("dns_options");
  c.add_hosts = doc.strings_at("add_hosts");
  c.log_driver = doc.string_or("log_driver", "k8s-file");
  c.log_options = pairs_from_json(doc["log_options"]);
  c.memory = doc.int_or("memory");
  c.pids_limit = doc.int_or("pids_limit");
  c.nano_cpus = doc.int_or("nano_cpus");
  c.cidfile = doc.string_or("cidfile");
  c.sdnotify = doc.string_or("sdnotify");
  c.pidfile = doc.string_or("pidfile");
  c.create_command = doc.strings_at("create_command");
  return c;
}

std::string_view status_name(ContainerStatus status) {
  switch (status) {
  case ContainerStatus::Created: return "created";
  case ContainerStatus::Running: return "running";
  case ContainerStatus::Paused: return "paused";
  case ContainerStatus::Exited: return "exited";
  case ContainerStatus::Removing: return "removing";
  }
  return "unknown";
}

std::optional<ContainerStatus> parse_status(std::string_view name) {
  for (auto s : {ContainerStatus::Created, ContainerStatus::Running, ContainerStatus::Paused,
                 ContainerStatus::Exited, ContainerStatus::Removing}) {
    if (status_name(s) == name) return s;
  }
  return std::nullopt;
}

json::Value ContainerState::to_json() const {
  json::Value v = json::Value::object();
  v.set("status", status_name(status));
  v.set("pid", pid);
  v.set("pid_start_time", pid_start_time);
  v.set("monitor_pid", monitor_pid);
  v.set("monitor_start_time", monitor_start_time);
  v.set("boot_id", boot_id);
  v.set("exit_code", exit_code);
  v.set("started_at", started_at);
  v.set("finished_at", finished_at);
  v.set("error", error);
  v.set("restart_count", restart_count);
  v.set("oom_killed", oom_killed);
  return v;
}

ContainerState ContainerState::from_json(const json::Value& doc) {
  ContainerState s;
  std::string status = doc.string_or("status", "created");
  auto parsed = parse_status(status);
  if (!parsed) fail("corrupt container state: status \"{}\"", status);
  s.status = *parsed;
  s.pid = static_cast<pid_t>(doc.int_or("pid"));
  s.pid_start_time = static_cast<uint64_t>(doc.int_or("pid_start_time"));
  s.monitor_pid = static_cast<pid_t>(doc.int_or("monitor_pid"));
  s.monitor_start_time = static_cast<uint64_t>(doc.int_or("monitor_start_time"));
  s.boot_id = doc.string_or("boot_id");
  s.exit_code = static_cast<int>(doc.int_or("exit_code"));
  s.started_at = doc.string_or("started_at");
  s.finished_at = doc.string_or("finished_at");
  s.error = doc.string_or("error");
  s.restart_count = static_cast<int>(doc.int_or("restart_count"));
  s.oom_killed = doc.bool_or("oom_killed");
  return s;
}

}  // namespace kayak::store
