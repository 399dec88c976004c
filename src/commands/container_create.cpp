#include "kayak/commands/container_create.hpp"

#include "kayak/network/helper_plan.hpp"
#include "kayak/network/port_choice.hpp"
#include "kayak/network/port_spec.hpp"
#include "kayak/util/env_list.hpp"
#include "kayak/util/random_id.hpp"
#include "kayak/commands/resource_flags.hpp"

#include "kayak/commands/container_remove.hpp"
#include "kayak/commands/image_pull.hpp"
#include "kayak/commands/mount_flags.hpp"
#include "kayak/commands/volume.hpp"
#include "kayak/runtime/seccomp.hpp"
#include "kayak/store/volume.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/signals.hpp"
#include "kayak/util/strings.hpp"
#include "kayak/util/time.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

namespace kayak::commands {

std::optional<std::string> caller_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

namespace {

// The command line that creates the container, as podman records it
// (CreateCommand): `generate systemd --new` runs it again.
std::vector<std::string> own_command_line() {
  // NUL-terminated words, read as proc_scan reads other processes'.
  std::string raw;
  if (!fs::read_file_if_exists("/proc/self/cmdline", raw)) return {};
  if (!raw.empty() && raw.back() == '\0') raw.pop_back();
  if (raw.empty()) return {};
  return str::split(raw, '\0');
}

std::string new_container_id() { return random_hex_id(); }

// One -e value or --env-file line: "K=V" as is; "K" takes the caller's
// value and is dropped when the caller has none.
void add_user_env(std::vector<std::string>& out, const std::string& item, const EnvLookup& env) {
  auto eq = item.find('=');
  std::string key = item.substr(0, eq);
  if (key.empty()) fail("invalid environment variable: {}", item);
  if (eq != std::string::npos) {
    out.push_back(item);
    return;
  }
  if (auto value = env(key)) out.push_back(key + "=" + *value);
}

// Docker's env-file format: one variable per line, '#' comments, blank lines
// ignored, leading white space trimmed; a name must not contain white space.
void read_env_file(std::vector<std::string>& out, const std::string& path, const EnvLookup& env) {
  std::string text;
  try {
    text = fs::read_file(path);
  } catch (const Error& e) {
    fail("open {}: no such file or directory", path);
  }
  for (const auto& raw : str::split(text, '\n')) {
    std::string line(raw);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    line = line.substr(start);
    if (line[0] == '#') continue;
    std::string key = line.substr(0, line.find('='));
    if (key.find_first_of(" \t") != std::string::npos) fail("variable '{}' contains whitespaces", key);
    add_user_env(out, line, env);
  }
}

}  // namespace

std::vector<std::string> user_env(const std::vector<std::string>& env_files, const std::vector<std::string>& env,
                                  const EnvLookup& lookup) {
  std::vector<std::string> out;
  for (const auto& file : env_files) read_env_file(out, file, lookup);
  for (const auto& item : env) add_user_env(out, item, lookup);
  return out;
}

namespace {

store::RestartPolicy parse_restart(const std::string& text) {
  store::RestartPolicy policy;
  if (text.empty() || text == "no") return policy;
  auto parts = str::split_n(text, ':', 2);
  policy.name = parts[0];
  if (policy.name == "always" || policy.name == "unless-stopped") {
    if (parts.size() > 1) fail("invalid restart policy format: maximum retry count can only be used with 'on-failure'");
    return policy;
  }
  if (policy.name != "on-failure") fail("invalid restart policy format: unknown policy '{}'", policy.name);
  if (parts.size() > 1) {
    auto n = str::parse_int(parts[1]);
    if (!n || *n < 0) fail("invalid restart policy format: maximum retry count must be an integer");
    policy.max_retries = static_cast<int>(*n);
  }
  return policy;
}

const std::set<std::string> kUlimitNames = {"core",   "cpu",   "data",   "fsize",      "locks",  "memlock",
                                            "msgqueue", "nice", "nofile", "nproc",     "rss",    "rtprio",
                                            "rttime", "sigpending", "stack"};

int64_t ulimit_value(const std::string& text, const std::string& spec) {
  if (text == "unlimited" || text == "-1") return -1;
  auto n = str::parse_int(text);
  if (!n || *n < 0) fail("invalid ulimit argument: {}", spec);
  return *n;
}

store::Ulimit parse_ulimit(const std::string& spec) {
  auto eq = spec.find('=');
  if (eq == std::string::npos) fail("invalid ulimit argument: {}", spec);
  store::Ulimit u;
  u.name = spec.substr(0, eq);
  if (!kUlimitNames.count(u.name)) fail("invalid ulimit type: {}", u.name);
  auto values = str::split_n(spec.substr(eq + 1), ':', 2);
  u.soft = ulimit_value(values[0], spec);
  u.hard = values.size() > 1 ? ulimit_value(values[1], spec) : u.soft;
  if (u.hard != -1 && (u.soft == -1 || u.soft > u.hard)) {
    fail("ulimit soft limit must be less than or equal to hard limit: {} > {}", values[0],
         values.size() > 1 ? values[1] : values[0]);
  }
  return u;
}

const std::set<std::string> kCapabilities = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
  "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
  "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
  "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
  "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

std::vector<std::string> normalize_caps(const std::vector<std::string>& caps) {
  std::vector<std::string> out;
  for (const auto& cap : caps) {
    std::string upper;
    for (char c : cap) upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    if (upper != "ALL" && upper.rfind("CAP_", 0) != 0) upper = "CAP_" + upper;
    if (upper != "ALL" && !kCapabilities.count(upper)) fail("unknown capability: \"{}\"", upper);
    if (std::find(out.begin(), out.end(), upper) == out.end()) out.push_back(upper);
  }
  return out;
}

// "8000-8002/udp" -> 8000/udp 8001/udp 8002/udp.
void add_exposed(std::vector<std::string>& out, const std::string& spec) {
  auto slash = spec.find('/');
  std::string ports = spec.substr(0, slash);
  std::string proto = slash == std::string::npos ? "tcp" : str::to_lower(spec.substr(slash + 1));
  if (proto != "tcp" && proto != "udp" && proto != "sctp") fail("invalid proto: {}", proto);
  auto range = str::split_n(ports, '-', 2);
  auto first = str::parse_uint(range[0]);
  auto last = range.size() > 1 ? str::parse_uint(range[1]) : first;
  if (!first || !last || *first == 0 || *last > 65535 || *first > *last) fail("invalid containerPort: {}", ports);
  for (uint64_t p = *first; p <= *last; ++p) {
    std::string item = std::to_string(p) + "/" + proto;
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
  }
}

const std::set<std::string> kNetworkModes = {"", "none", "host", "private", "bridge", "default", "pasta",
                                             "slirp4netns"};

void check_network(const std::string& mode) {
  if (network::is_private_mode(mode)) {
    // Bad helper options, or an explicit helper that cannot run, fail the
    // create; the default mode without a helper warns once, here.
    network::UserModePlan plan = network::plan_user_mode_network(mode);
    if (!plan.warning.empty()) log::warn("{}", plan.warning);
    return;
  }
  if (kNetworkModes.count(mode) || mode.rfind("container:", 0) == 0 || mode.rfind("ns:", 0) == 0) return;
  fail("network {} not found", mode);
}

void apply_security_opts(store::ContainerConfig& c, const std::vector<std::string>& opts) {
  for (const auto& opt : opts) {
    auto sep = opt.find_first_of("=:");
    std::string key = opt.substr(0, sep);
    std::string value = sep == std::string::npos ? "" : opt.substr(sep + 1);
    if (key == "no-new-privileges") {
      if (value.empty() || value == "true") {
        c.no_new_privileges = true;
      } else if (value == "false") {
        c.no_new_privileges = false;
      } else {
        fail("invalid --security-opt 2: \"{}\"", opt);
      }
    } else if (key == "seccomp" && opt[sep] == '=') {
      if (value == "unconfined") {
        c.seccomp_profile = "unconfined";
      } else {
        // Docker reads the profile on the client at create; so do we.
        try {
          c.seccomp_profile = fs::read_file(value);
        } catch (const Error& e) {
          fail("opening seccomp profile ({}) failed: {}", value, e.what());
        }
        // Checked here too, so a bad profile fails `create` and names its
        // file, instead of failing a later `start` with no file to name.
        runtime::parse_seccomp_profile(c.seccomp_profile, fmt::format("seccomp profile ({})", value));
      }
    } else if ((key == "label" || key == "apparmor" || key == "mask" || key == "unmask" || key == "systempaths") &&
               opt[sep] == '=') {
      // Kept for inspect; nothing on this machine enforces them.
    } else {
      fail("Invalid --security-opt: \"{}\"", opt);
    }
  }
}

std::vector<std::string> sorted_keys(const json::Value& object) {
  std::vector<std::string> keys;
  if (object.is_object()) {
    for (const auto& [key, value] : object.as_object()) keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

int64_t parse_memory_size(const std::string& text) {
  std::string t = str::to_lower(str::trim(text));
  size_t digits = 0;
  while (digits < t.size() && (std::isdigit(static_cast<unsigned char>(t[digits])) || t[digits] == '.')) ++digits;
  if (digits == 0) fail("invalid size: '{}'", text);
  double value = std::strtod(t.substr(0, digits).c_str(), nullptr);
  std::string unit = t.substr(digits);
  if (unit.size() == 2 && unit[1] == 'b') unit.pop_back();
  if (unit.size() == 3 && unit.substr(1) == "ib") unit.resize(1);
  double scale = 1;
  if (unit.empty() || unit == "b") {
    scale = 1;
  } else if (unit == "k") {
    scale = 1024.0;
  } else if (unit == "m") {
    scale = 1024.0 * 1024;
  } else if (unit == "g") {
    scale = 1024.0 * 1024 * 1024;
  } else if (unit == "t") {
    scale = 1024.0 * 1024 * 1024 * 1024;
  } else if (unit == "p") {
    scale = 1024.0 * 1024 * 1024 * 1024 * 1024;
  } else {
    fail("invalid size: '{}'", text);
  }
  return static_cast<int64_t>(value * scale);
}

store::ContainerConfig build_container_config(const CreateOptions& o, const std::string& id,
                                              const store::ImageRecord& image,
                                              const image::ImageConfig& image_config, const EnvLookup& env) {
  const json::Value& ic = image_config.container_config();
  store::ContainerConfig c;
  c.id = id;
  c.name = o.name;
  c.image_id = image.id;
  c.image_name = o.image;
  c.layers = image.layers;

  // Entrypoint and Cmd, as Docker merges the user's with the image's:
  // --entrypoint resets the image's Cmd; `--entrypoint ''` clears the
  // image's Entrypoint and keeps its Cmd unless a command is given.
  std::vector<std::string> image_entrypoint = ic.strings_at("Entrypoint");
  std::vector<std::string> image_cmd = ic.strings_at("Cmd");
  if (o.entrypoint) {
    if (!o.entrypoint->empty()) c.entrypoint = {*o.entrypoint};
    c.cmd = o.command;
    if (o.entrypoint->empty() && c.cmd.empty()) c.cmd = image_cmd;
  } else {
    c.entrypoint = image_entrypoint;
    c.cmd = o.command.empty() ? image_cmd : o.command;
  }
  std::vector<std::string> argv = c.entrypoint;
  argv.insert(argv.end(), c.cmd.begin(), c.cmd.end());
  if (argv.empty()) fail("no command specified");
  c.path = argv[0];
  c.args.assign(argv.begin() + 1, argv.end());

  // Env: the image's, then --env-file, then -e, each replacing by name.
  c.env = ic.strings_at("Env");
  for (const auto& item : user_env(o.env_files, o.env, env)) env_list::set(c.env, item);

  c.working_dir = o.workdir.empty() ? ic.string_or("WorkingDir") : o.workdir;
  if (!o.workdir.empty() && o.workdir[0] != '/') {
    fail("the working directory '{}' is invalid, it needs to be an absolute path", o.workdir);
  }
  c.user = o.user.empty() ? ic.string_or("User") : o.user;
  c.network_mode = o.network;
  check_network(c.network_mode);
  if (!o.hostname.empty()) {
    if (o.network == "host") fail("conflicting options: hostname and the network mode");
    c.hostname = o.hostname;
  } else if (o.network == "host") {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    c.hostname = host;
  } else {
    c.hostname = id.substr(0, 12);
  }
  c.tty = o.tty;
  c.open_stdin = o.interactive;
  c.attach_stdin = o.interactive && !o.detach;
  c.attach_stdout = !o.detach;
  c.attach_stderr = !o.detach;
  c.stdin_once = c.attach_stdin;

  std::string stop_signal = o.stop_signal.empty() ? ic.string_or("StopSignal") : o.stop_signal;
  if (stop_signal.empty()) stop_signal = "SIGTERM";
  if (!sig::parse(stop_signal)) fail("invalid signal: {}", stop_signal);
  c.stop_signal = stop_signal;
  c.stop_timeout = o.stop_timeout;

  // Labels: the image's, overridden by --label.
  if (ic["Labels"].is_object()) {
    for (const auto& [key, value] : ic["Labels"].as_object()) {
      c.labels.emplace_back(key, value.is_string() ? value.as_string() : "");
    }
  }
  for (const auto& label : o.labels) {
    auto eq = label.find('=');
    std::string key = label.substr(0, eq), value = eq == std::string::npos ? "" : label.substr(eq + 1);
    if (key.empty()) fail("invalid label '{}': empty name", label);
    auto it = std::find_if(c.labels.begin(), c.labels.end(), [&](const auto& l) { return l.first == key; });
    if (it != c.labels.end()) {
      it->second = value;
    } else {
      c.labels.emplace_back(key, value);
    }
  }

  for (const auto& port : sorted_keys(ic["ExposedPorts"])) add_exposed(c.exposed_ports, port);
  for (const auto& port : o.expose) add_exposed(c.exposed_ports, port);
  for (const auto& binding : network::parse_publish_all(o.publish)) add_exposed(c.exposed_ports, binding.container_key());
  std::sort(c.exposed_ports.begin(), c.exposed_ports.end());
  c.publish = o.publish;
  c.publish_all = o.publish_all;
  if (!c.publish.empty() || c.publish_all) {
    if (!network::mode_publishes_ports(c.network_mode)) {
      log::warn("published ports are discarded when using {} network mode",
                c.network_mode == "host" ? "host" : "container");
    } else {
      // Before anything is recorded: a taken or privileged host port fails
      // the create, not a later start.
      network::check_host_ports(network::parse_publish_all(c.publish), ::geteuid() == 0);
    }
  }

  c.volumes = sorted_keys(ic["Volumes"]);
  c.mounts = parse_mount_flags(MountFlags{o.volumes, o.mounts, o.tmpfs});
  c.binds = o.volumes;
  // Image VOLUMEs the user did not mount become anonymous volumes.
  add_image_volumes(c.mounts, c.volumes);
  for (const auto& m : c.mounts) {
    if (m.anonymous && std::find(c.volumes.begin(), c.volumes.end(), m.destination) == c.volumes.end()) {
      c.volumes.push_back(m.destination);
    }
  }

  c.cap_add = normalize_caps(o.cap_add);
  c.cap_drop = normalize_caps(o.cap_drop);
  c.privileged = o.privileged;
  c.security_opt = o.security_opt;
  apply_security_opts(c, o.security_opt);
  c.read_only = o.read_only;
  c.read_only_tmpfs = o.read_only_tmpfs;
  for (const auto& spec : o.ulimits) c.ulimits.push_back(parse_ulimit(spec));
  c.restart = parse_restart(o.restart);
  c.auto_remove = o.auto_remove;
  if (c.auto_remove && c.restart.name != "no") fail("Conflicting options: --restart and --rm");
  c.dns = o.dns;
  c.dns_search = o.dns_search;
  c.dns_options = o.dns_options;
  for (const auto& host : o.add_hosts) {
    auto colon = host.find_first_of(":=");
    if (colon == std::string::npos || colon == 0 || colon + 1 == host.size()) {
      fail("invalid argument \"{}\" for \"--add-host\" flag: bad format for add-host: \"{}\"", host, host);
    }
  }
  c.add_hosts = o.add_hosts;

  c.log_driver = o.log_driver.empty() ? "k8s-file" : o.log_driver;
  if (c.log_driver == "json-file") c.log_driver = "k8s-file";  // Docker's default name, our format
  if (c.log_driver != "k8s-file" && c.log_driver != "none" && c.log_driver != "passthrough" &&
      c.log_driver != "journald") {
    fail("unsupported log driver: {}", c.log_driver);
  }
  for (const auto& opt : o.log_opts) {
    auto eq = opt.find('=');
    if (eq == std::string::npos || eq == 0) fail("invalid log opt '{}': must be KEY=VALUE", opt);
    c.log_options.emplace_back(opt.substr(0, eq), opt.substr(eq + 1));
  }

  if (!o.memory.empty()) c.memory = parse_memory_size(o.memory);
  if (!o.pids_limit.empty()) {
    auto n = str::parse_int(o.pids_limit);
    if (!n) fail("invalid argument \"{}\" for \"--pids-limit\" flag", o.pids_limit);
    c.pids_limit = *n;
  }
  if (!o.cpus.empty()) {
    char* end = nullptr;
    double cpus = std::strtod(o.cpus.c_str(), &end);
    if (!end || *end || !(cpus >= 0)) fail("invalid argument \"{}\" for \"--cpus\" flag", o.cpus);
    c.nano_cpus = static_cast<int64_t>(std::llround(cpus * 1e9));
  }
  c.cidfile = o.cidfile;
  if (!o.pidfile.empty()) c.pidfile = fs::absolute(o.pidfile);
  c.sdnotify = o.sdnotify;
  c.create_command = own_command_line();
  return c;
}

store::ContainerConfig create_container(store::Context& ctx, const CreateOptions& options) {
  parse_pull_policy(options.pull);
  if (!options.cidfile.empty() && fs::exists(options.cidfile)) {
    fail("container ID file found, make sure the other container isn't running or delete {}", options.cidfile);
  }
  std::string wanted = options.name.empty() ? "" : store::validate_container_name(options.name);
  ImplicitPullOptions pull;
  pull.image = options.image;
  pull.policy = options.pull;
  pull.quiet = options.pull_quiet;
  pull.platform.platform = options.platform;
  pull.tls_verify = options.tls_verify;
  pull.authfile = options.authfile;
  std::string image_name = ensure_image(ctx, pull);
  const std::string& driver = ctx.driver().name;
  store::Store& store = ctx.store();
  store::ContainerStore containers(store);
  if (options.replace && !wanted.empty()) {
    if (auto old = containers.id_for_name(wanted)) {
      ContainerRemoveOptions rm;
      rm.force = true;
      rm.containers = {*old};
      for (const auto& item : remove_containers(ctx, rm)) {
        if (!item.error.empty()) fail("replace {}: {}", wanted, item.error);
      }
    }
  }

  store::ContainerConfig config;
  {
    // The shared lock keeps the image from being removed until the
    // container that uses it is recorded (rmi takes it exclusively).
    FileLock lock = store.lock_shared();
    store::ImageRecord image = store.resolve_image(image_name);
    config = build_container_config(options, new_container_id(), image, store.image_config(image));
    check_resource_flags(config, runtime::detect_cgroups());
    config.created = timeutil::format_rfc3339_nano(timeutil::now_ns());
    std::vector<std::string> layer_dirs;
    for (const auto& chain : config.layers) layer_dirs.push_back(store.layer_dir(chain) + "/diff");
    prepare_volumes(ctx, config.mounts, layer_dirs);
    config.driver = driver;
    for (int attempt = 0;; ++attempt) {
      config.name = wanted.empty() ? store::random_container_name(attempt) : wanted;
      try {
        containers.create(config);
        break;
      } catch (const store::NameConflict&) {
        // A generated name that is taken: try another one.
        if (!wanted.empty() || attempt >= 10) {
          store::remove_anonymous_volumes(ctx, config.mounts);
          throw;
        }
      } catch (...) {
        store::remove_anonymous_volumes(ctx, config.mounts);
        throw;
      }
    }
  }
  try {
    store::prepare_rootfs(ctx, config);
    if (!config.cidfile.empty()) {
      UniqueFd fd(::open(config.cidfile.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
      if (!fd) fail_errno("failed to create the container ID file {}", config.cidfile);
      write_all(fd.get(), config.id.data(), config.id.size(), config.cidfile);
    }
  } catch (...) {
    try {
      store::remove_container(ctx, config.id);
      store::remove_anonymous_volumes(ctx, config.mounts);
    } catch (const std::exception& e) {
      log::warn("cannot remove the half-made container {}: {}", config.id.substr(0, 12), e.what());
    }
    throw;
  }
  return config;
}

}  // namespace kayak::commands
