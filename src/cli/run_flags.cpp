#include "run_flags.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"

namespace kayak::cli {

std::vector<Flag> run_create_flags() {
  return {
    {.name = "add-host", .type = FlagType::StringList, .description = "Add a custom host-to-IP mapping (host:ip)",
     .value_name = "list"},
    {.name = "authfile", .type = FlagType::String,
     .description = "Path of the authentication file for pulling. Use REGISTRY_AUTH_FILE environment variable to override", .complete = Complete::Files},
    {.name = "cap-add", .type = FlagType::StringList, .description = "Add Linux capabilities", .value_name = "list"},
    {.name = "cap-drop", .type = FlagType::StringList, .description = "Drop Linux capabilities", .value_name = "list"},
    {.name = "cidfile", .type = FlagType::String, .description = "Write the container ID to the file", .complete = Complete::Files},
    {.name = "cpus", .type = FlagType::String, .description = "Number of CPUs", .value_name = "decimal"},
    {.name = "dns", .type = FlagType::StringList, .description = "Set custom DNS servers", .value_name = "list"},
    {.name = "dns-option", .type = FlagType::StringList, .description = "Set DNS options", .value_name = "list"},
    {.name = "dns-search", .type = FlagType::StringList, .description = "Set custom DNS search domains",
     .value_name = "list"},
    {.name = "entrypoint", .type = FlagType::String, .description = "Overwrite the default ENTRYPOINT of the image"},
    {.name = "env", .shorthand = 'e', .type = FlagType::StringList, .description = "Set environment variables",
     .value_name = "list"},
    {.name = "env-file", .type = FlagType::StringList, .description = "Read in a file of environment variables",
     .value_name = "list", .complete = Complete::Files},
    {.name = "expose", .type = FlagType::StringList, .description = "Expose a port or a range of ports",
     .value_name = "list"},
    {.name = "hostname", .shorthand = 'h', .type = FlagType::String, .description = "Container host name"},
    {.name = "interactive", .shorthand = 'i', .description = "Keep STDIN open even if not attached"},
    {.name = "label", .shorthand = 'l', .type = FlagType::StringList, .description = "Set meta data on a container",
     .value_name = "list"},
    {.name = "log-driver", .type = FlagType::String, .description = "Logging driver for the container (k8s-file, journald, none)"},
    {.name = "log-opt", .type = FlagType::StringList, .description = "Log driver options", .value_name = "list"},
    {.name = "memory", .shorthand = 'm', .type = FlagType::String, .description = "Memory limit", .value_name = "bytes"},
    {.name = "mount", .type = FlagType::StringList, .description = "Attach a filesystem mount to the container",
     .value_name = "mount"},
    {.name = "name", .type = FlagType::String, .description = "Assign a name to the container"},
    {.name = "net", .type = FlagType::String, .description = "Connect a container to a network", .value_name = "network",
     .hidden = true, .complete = Complete::Networks},
    {.name = "network", .type = FlagType::String,
     .description = "Connect a container to a network (none, host, private, container:NAME, ns:PATH)", .complete = Complete::Networks},
    {.name = "pids-limit", .type = FlagType::String, .description = "Tune container pids limit (set -1 for unlimited)",
     .value_name = "int"},
    {.name = "platform", .type = FlagType::String, .description = "Set platform if server is multi-platform capable"},
    {.name = "privileged", .description = "Give extended privileges to this container"},
    {.name = "publish", .shorthand = 'p', .type = FlagType::StringList,
     .description = "Publish a container's port(s) to the host", .value_name = "list"},
    {.name = "publish-all", .shorthand = 'P', .description = "Publish all exposed ports to random ports"},
    {.name = "pull", .type = FlagType::String, .description = "Pull image before creating",
     .default_value = "missing", .choices = {"always", "missing", "never", "newer"}},
    {.name = "quiet", .shorthand = 'q', .description = "Suppress the pull output"},
    {.name = "read-only", .description = "Mount the container's root filesystem as read only"},
    {.name = "read-only-tmpfs",
     .description = "When running --read-only containers, mount read-write tmpfs on /dev, /dev/shm, /run, /tmp, and /var/tmp",
     .default_value = "true"},
    {.name = "pidfile", .type = FlagType::String, .description = "Write the container process ID to the file", .complete = Complete::Files},
    {.name = "replace", .description = "If a container with the same name exists, replace it"},
    {.name = "restart", .type = FlagType::String, .description = "Restart policy to apply when a container exits",
     .default_value = "no"},
    {.name = "rm", .description = "Automatically remove the container and its associated anonymous volumes when it exits"},
    {.name = "sdnotify", .type = FlagType::String,
     .description = "Control sd-notify behavior (conmon: ready once started; container: the container notifies)",
     .default_value = "conmon", .choices = {"conmon", "container", "ignore"}},
    {.name = "security-opt", .type = FlagType::StringList, .description = "Security Options", .value_name = "list"},
    {.name = "stop-signal", .type = FlagType::String, .description = "Signal to stop the container", .complete = Complete::Signals},
    {.name = "stop-timeout", .type = FlagType::String, .description = "Timeout (in seconds) to stop a container",
     .value_name = "int"},
    {.name = "tls-verify", .description = "Require HTTPS and verify certificates when pulling from registries",
     .default_value = "true"},
    {.name = "tmpfs", .type = FlagType::StringList, .description = "Mount a tmpfs directory", .value_name = "list"},
    {.name = "tty", .shorthand = 't', .description = "Allocate a pseudo-TTY"},
    {.name = "ulimit", .type = FlagType::StringList, .description = "Ulimit options", .value_name = "ulimit"},
    {.name = "user", .shorthand = 'u', .type = FlagType::String,
     .description = "Username or UID (format: <name|uid>[:<group|gid>])"},
    {.name = "volume", .shorthand = 'v', .type = FlagType::StringList, .description = "Bind mount a volume",
     .value_name = "list"},
    {.name = "workdir", .shorthand = 'w', .type = FlagType::String, .description = "Working directory inside the container"},
  };
}

commands::CreateOptions create_options_from(const Invocation& inv) {
  const auto& args = inv.args();
  if (args.empty()) fail("\"kayak {}\" requires at least 1 argument", inv.invoked_path());
  commands::CreateOptions o;
  o.image = args[0];
  o.command.assign(args.begin() + 1, args.end());
  o.env = inv.values("env");
  o.env_files = inv.values("env-file");
  if (inv.is_set("entrypoint")) o.entrypoint = inv.value_or("entrypoint", "");
  o.workdir = inv.value_or("workdir", "");
  o.user = inv.value_or("user", "");
  o.hostname = inv.value_or("hostname", "");
  o.name = inv.value_or("name", "");
  o.tty = inv.flag("tty");
  o.interactive = inv.flag("interactive");
  o.auto_remove = inv.flag("rm");
  if (find_flag(inv.command(), "detach")) o.detach = inv.flag("detach");
  o.restart = inv.value_or("restart", "no");
  o.ulimits = inv.values("ulimit");
  o.cap_add = inv.values("cap-add");
  o.cap_drop = inv.values("cap-drop");
  o.privileged = inv.flag("privileged");
  o.security_opt = inv.values("security-opt");
  o.read_only = inv.flag("read-only");
  o.read_only_tmpfs = inv.flag("read-only-tmpfs");
  o.volumes = inv.values("volume");
  o.mounts = inv.values("mount");
  o.tmpfs = inv.values("tmpfs");
  o.network = inv.is_set("network") ? inv.value_or("network", "") : inv.value_or("net", "");
  o.dns = inv.values("dns");
  o.dns_search = inv.values("dns-search");
  o.dns_options = inv.values("dns-option");
  o.add_hosts = inv.values("add-host");
  o.publish = inv.values("publish");
  o.publish_all = inv.flag("publish-all");
  o.expose = inv.values("expose");
  o.labels = inv.values("label");
  o.stop_signal = inv.value_or("stop-signal", "");
  if (inv.is_set("stop-timeout")) {
    std::string text = inv.value_or("stop-timeout", "");
    auto n = str::parse_int(text);
    if (!n) fail("invalid argument \"{}\" for \"--stop-timeout\" flag: strconv.ParseInt: parsing \"{}\": invalid syntax", text, text);
    o.stop_timeout = static_cast<int>(*n);
  }
  o.log_driver = inv.value_or("log-driver", "");
  o.log_opts = inv.values("log-opt");
  o.memory = inv.value_or("memory", "");
  o.pids_limit = inv.value_or("pids-limit", "");
  o.cpus = inv.value_or("cpus", "");
  o.cidfile = inv.value_or("cidfile", "");
  o.replace = inv.flag("replace");
  o.pidfile = inv.value_or("pidfile", "");
  if (inv.is_set("sdnotify")) o.sdnotify = inv.value_or("sdnotify", "");
  o.pull = inv.value_or("pull", "missing");
  o.pull_quiet = inv.flag("quiet");
  o.platform = inv.value_or("platform", "");
  if (inv.is_set("tls-verify")) o.tls_verify = inv.flag("tls-verify");
  o.authfile = inv.value_or("authfile", "");
  return o;
}

}  // namespace kayak::cli
