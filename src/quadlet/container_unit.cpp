// NAME.container -> NAME.service: a foreground `kayak run` as the unit's
// main process (DESIGN "Process model": the CLI is the monitor), started
// fresh each time (--replace --rm, its ID in %t/%N.cid), with Type=notify
// so the unit is active once the container runs.
#include "convert_parts.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"

#include <fmt/format.h>

namespace kayak::quadlet {

namespace {

const std::vector<std::string_view> kContainerKeys = {
  "Image", "Exec", "PublishPort", "Volume", "Environment", "EnvironmentFile", "ContainerName", "Network",
  "User", "WorkingDir", "Label", "Notify", "AutoUpdate", "PodmanArgs",
};

bool has_space(std::string_view s) { return s.find_first_of(" \t") != std::string_view::npos; }

bool valid_port(std::string_view text) {
  auto n = str::parse_int(text);
  return n && *n >= 1 && *n <= 65535 && text.find_first_not_of("0123456789") == std::string_view::npos;
}

bool valid_port_range(std::string_view text) {
  size_t dash = text.find('-');
  if (dash == std::string_view::npos) return valid_port(text);
  return valid_port(text.substr(0, dash)) && valid_port(text.substr(dash + 1));
}

// [[IP:][HOST_PORT]:]CONTAINER_PORT[/PROTOCOL], as `run -p` takes it.
std::string check_publish(std::string_view spec) {
  std::string_view rest = spec;
  if (size_t slash = rest.rfind('/'); slash != std::string_view::npos) {
    std::string_view proto = rest.substr(slash + 1);
    if (proto != "tcp" && proto != "udp" && proto != "sctp") return fmt::format("unknown protocol '{}'", proto);
    rest = rest.substr(0, slash);
  }
  size_t colon = rest.rfind(':');
  if (!valid_port_range(rest.substr(colon == std::string_view::npos ? 0 : colon + 1)))
    return "the container port must be a number from 1 to 65535 (or a range)";
  if (colon == std::string_view::npos) return {};
  rest = rest.substr(0, colon);
  size_t host_colon = rest.rfind(':');
  // An IPv6 address in brackets holds colons of its own.
  if (!rest.empty() && rest.back() == ']') host_colon = std::string_view::npos;
  std::string_view host_port = host_colon == std::string_view::npos ? rest : rest.substr(host_colon + 1);
  bool ip_only = host_colon == std::string_view::npos && !valid_port_range(rest) &&
                 rest.find_first_not_of("0123456789-") != std::string_view::npos;
  if (ip_only) return {};  // IP:CONTAINER_PORT
  if (!host_port.empty() && !valid_port_range(host_port))
    return "the host port must be a number from 1 to 65535 (or a range)";
  return {};
}

}  // namespace

void convert_container(ConvertJob& job) {
  check_layout(job, "Container", kContainerKeys);
  const UnitFile& src = job.source;
  std::vector<std::string> args = {job.options.kayak_binary, "run"};
  std::vector<UnitEntry> unit_extra;

  std::string name = fmt::format("systemd-{}", "%N");
  if (const auto* e = src.last("Container", "ContainerName")) {
    if (e->value.empty() || has_space(e->value)) {
      job.error(e->line, fmt::format("ContainerName: invalid name '{}'", e->value));
    } else {
      name = e->value;
    }
  }
  bool notify = false;
  if (const auto* e = src.last("Container", "Notify")) {
    auto value = parse_unit_bool(e->value);
    if (!value) {
      job.error(e->line, fmt::format("Notify: '{}' is not a boolean (true or false)", e->value));
    } else {
      notify = *value;
    }
  }
  args.push_back("--name=" + name);
  args.push_back("--cidfile=%t/%N.cid");
  args.push_back("--replace");
  args.push_back("--rm");
  // conmon: kayak itself says READY=1 once the container runs; container:
  // the application inside does.
  args.push_back(notify ? "--sdnotify=container" : "--sdnotify=conmon");

  for (const auto* e : src.values("Container", "PublishPort")) {
    if (std::string problem = check_publish(e->value); !problem.empty()) {
      job.error(e->line, fmt::format("PublishPort: '{}': {}", e->value, problem));
      continue;
    }
    args.push_back("--publish=" + e->value);
  }
  for (const auto* e : src.values("Container", "Volume")) {
    std::vector<std::string> parts = str::split(e->value, ':');
    if (parts.size() > 3 || parts[0].empty() || has_space(e->value)) {
      job.error(e->line, fmt::format("Volume: '{}' is not [SOURCE:]DESTINATION[:OPTIONS]", e->value));
      continue;
    }
    std::string destination = parts.size() == 1 ? parts[0] : parts[1];
    if (destination.empty() || (destination[0] != '/' && destination[0] != '%')) {
      job.error(e->line, fmt::format("Volume: the destination '{}' must be an absolute path", destination));
      continue;
    }
    // SOURCE "data.volume" names the volume of data.volume: that unit makes
    // it before this one starts.
    if (parts.size() > 1 && parts[0].ends_with(".volume")) {
      std::string stem = parts[0].substr(0, parts[0].size() - 7);
      std::string service = stem + "-volume.service";
      unit_extra.push_back({"Requires", service, 0});
      unit_extra.push_back({"After", service, 0});
      parts[0] = referenced_volume_name(job.options, stem);
    }
    args.push_back("--volume=" + str::join(parts, ":"));
  }
  auto key_value_words = [&](std::string_view key, std::string_view flag) {
    for (const auto* e : src.values("Container", key)) {
      try {
        for (const auto& word : split_unit_words(e->value)) {
          size_t eq = word.find('=');
          if (eq == 0 || eq == std::string::npos) {
            job.error(e->line, fmt::format("{}: '{}' is not KEY=VALUE", key, word));
            continue;
          }
          args.push_back(fmt::format("--{}={}", flag, word));
        }
      } catch (const Error& err) {
        job.error(e->line, fmt::format("{}: {}", key, err.what()));
      }
    }
  };
  key_value_words("Environment", "env");
  for (const auto* e : src.values("Container", "EnvironmentFile")) args.push_back("--env-file=" + e->value);
  key_value_words("Label", "label");
  for (const auto* e : src.values("Container", "Network")) {
    if (has_space(e->value)) {
      job.error(e->line, fmt::format("Network: invalid mode '{}'", e->value));
      continue;
    }
    args.push_back("--network=" + e->value);
  }
  if (const auto* e = src.last("Container", "User")) {
    if (e->value.empty() || has_space(e->value)) {
      job.error(e->line, fmt::format("User: invalid user '{}'", e->value));
    } else {
      args.push_back("--user=" + e->value);
    }
  }
  if (const auto* e = src.last("Container", "WorkingDir")) {
    if (e->value.empty() || (e->value[0] != '/' && e->value[0] != '%')) {
      job.error(e->line, fmt::format("WorkingDir: '{}' must be an absolute path", e->value));
    } else {
      args.push_back("--workdir=" + e->value);
    }
  }
  if (const auto* e = src.last("Container", "AutoUpdate"))
    job.warning(e->line, "AutoUpdate is not supported by kayak and is ignored");
  for (const auto* e : src.values("Container", "PodmanArgs")) {
    try {
      for (auto& word : split_unit_words(e->value)) args.push_back(std::move(word));
    } catch (const Error& err) {
      job.error(e->line, fmt::format("PodmanArgs: {}", err.what()));
    }
  }

  const UnitEntry* image = src.last("Container", "Image");
  if (!image || image->value.empty()) {
    job.error(image ? image->line : 0, "Image= is required in [Container]");
  } else if (has_space(image->value)) {
    job.error(image->line, fmt::format("Image: invalid reference '{}'", image->value));
  } else {
    args.push_back(image->value);
  }
  if (const auto* e = src.last("Container", "Exec"); e && !e->value.empty()) {
    try {
      for (auto& word : split_unit_words(e->value)) args.push_back(std::move(word));
    } catch (const Error& err) {
      job.error(e->line, fmt::format("Exec: {}", err.what()));
    }
  }
  if (!job.result.errors.empty()) return;

  if (!job.options.user) {
    unit_extra.push_back({"Wants", "network-online.target", 0});
    unit_extra.push_back({"After", "network-online.target", 0});
  }
  std::string rm = exec_line({job.options.kayak_binary, "rm", "-v", "-f", "-i", "--cidfile=%t/%N.cid"});
  std::vector<UnitEntry> service = {
    // The main process is the monitor: SIGTERM goes to it (it stops the
    // container), what is left after the timeout is killed.
    {"KillMode", "mixed", 0},
    {"ExecStop", rm, 0},
    {"ExecStopPost", "-" + rm, 0},
    {"Type", "notify", 0},
    {"NotifyAccess", "all", 0},
    {"SyslogIdentifier", "%N", 0},
    {"ExecStart", exec_line(args), 0},
  };
  GeneratedUnit unit;
  unit.name = job.stem + ".service";
  unit.text = assemble_unit(job, "Container", unit_extra, service).to_string();
  collect_install(job, unit);
  if (job.result.errors.empty()) job.result.unit = std::move(unit);
}

}  // namespace kayak::quadlet
