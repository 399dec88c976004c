// `ps` / `container ls`: rows with the fields of Docker's container
// formatter (container.Summary as the CLI shows it).
#pragma once

#include "kayak/commands/image_list.hpp"  // docker_time
#include "kayak/store/container.hpp"
#include "kayak/store/context.hpp"
#include "kayak/util/json.hpp"

#include <map>
#include <string>
#include <vector>

namespace kayak::commands {

struct ContainerListOptions {
  bool all = false;
  bool latest = false;  // -l: the newest one, any state
  int last = -1;        // -n N: the N newest, any state
  bool size = false;
  bool no_trunc = false;
  std::vector<std::string> filters;  // status=, name=, id=, ancestor=, label=, exited=
};

// Rows newest first, keys in Docker's JSON order: Command, CreatedAt, ID,
// Image, Labels, LocalVolumes, Mounts, Names, Networks, Ports, RunningFor,
// Size, State, Status.
// labels, when given, receives each row's labels keyed by the row's ID text
// (for Docker's `{{.Label "key"}}`, which the row's Labels string cannot
// answer exactly: values may hold commas).
using ContainerLabels = std::map<std::string, std::map<std::string, std::string>>;
std::vector<json::Value> list_containers(store::Context& ctx, const ContainerListOptions& options,
                                         ContainerLabels* labels = nullptr);

// Docker's summary Command: Path and Args, an argument with a space
// wrapped in single quotes ("nginx -g 'daemon off;'").
std::string summary_command(const std::string& path, const std::vector<std::string>& args);
// The COMMAND column: cut to 20 display chars with "…" unless no_trunc,
// then quoted as Go's strconv.Quote.
std::string command_column(const std::string& command, bool no_trunc);
// Docker's Ellipsis: at most width runes, the last one "…" when cut.
std::string ellipsis(const std::string& text, size_t width);

// STATUS: "Created", "Up 12 minutes", "Up 2 minutes (Paused)",
// "Exited (0) 3 seconds ago", "Removal In Progress".
std::string status_text(const store::ContainerState& state, int64_t now_ns);

// The PORTS column of a running container: published ports
// ("0.0.0.0:8080->80/tcp") and the other exposed ones ("443/tcp").
std::string ports_text(const store::ContainerConfig& config);

// How the network mode is shown (ps Networks, inspect NetworkMode).
std::string network_name(const store::ContainerConfig& config);

}  // namespace kayak::commands
