// Fixed lists completion offers: signal names and each command's --format
// fields. The fields are the keys of the rows (or objects) the command
// renders; 470-completion.bats checks them against `--format json` output,
// so a field added to a row and not here fails a test.
#include "kayak/cli/completion.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace kayak::cli {

namespace {

// The names util/signals.cpp parses, without the aliases (IOT, CLD, POLL).
constexpr std::array<std::string_view, 31> kSignals = {
  "HUP",  "INT",  "QUIT", "ILL",  "TRAP", "ABRT", "BUS",  "FPE",  "KILL", "USR1", "SEGV",
  "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
  "URG",  "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
};

using Fields = std::vector<std::string_view>;

// Top-level keys of the inspect objects (Docker's order, sorted here).
const Fields kContainerInspect = {
  "AppArmorProfile", "Args", "Config", "Created", "Driver", "ExecIDs", "GraphDriver", "HostConfig", "HostnamePath",
  "HostsPath", "Id", "Image", "LogPath", "MountLabel", "Mounts", "Name", "NetworkSettings", "Path", "Platform",
  "ProcessLabel", "ResolvConfPath", "RestartCount", "State"};
const Fields kImageInspect = {
  "Architecture", "Author", "Comment", "Config", "Created", "DockerVersion", "GraphDriver", "Id", "Metadata", "Os",
  "Parent", "RepoDigests", "RepoTags", "RootFS", "Size"};

Fields both(const Fields& a, const Fields& b) {
  Fields out = a;
  for (std::string_view field : b)
    if (std::find(out.begin(), out.end(), field) == out.end()) out.push_back(field);
  std::sort(out.begin(), out.end());
  return out;
}

const std::map<std::string_view, Fields, std::less<>>& fields_by_command() {
  static const std::map<std::string_view, Fields, std::less<>> fields = {
    {"container ls", {"Command", "CreatedAt", "ID", "Image", "Labels", "LocalVolumes", "Mounts", "Names", "Networks",
                      "Ports", "RunningFor", "Size", "State", "Status"}},
    {"container inspect", kContainerInspect},
    {"container stats", {"BlockIO", "CPUPerc", "Container", "ID", "MemPerc", "MemUsage", "Name", "NetIO", "PIDs"}},
    {"image ls", {"Containers", "CreatedAt", "CreatedSince", "Digest", "ID", "Repository", "SharedSize", "Size", "Tag",
                  "UniqueSize", "VirtualSize"}},
    {"image inspect", kImageInspect},
    {"image history", {"Comment", "CreatedAt", "CreatedBy", "CreatedSince", "ID", "Size"}},
    {"inspect", both(kContainerInspect, kImageInspect)},
    {"search", {"Automated", "Description", "Index", "Name", "Official", "Stars", "Tag"}},
    {"system info", {"Architecture", "CgroupControllers", "CgroupDriver", "CgroupMode", "CgroupVersion", "Containers",
                     "ContainersPaused", "ContainersRunning", "ContainersStopped", "DefaultRuntime", "Driver",
                     "DriverStatus", "IDMappings", "Images", "KernelVersion", "MemTotal", "NCPU", "Name", "Namespaces",
                     "OSType", "OperatingSystem", "Rootless", "RunRoot", "Seccomp", "SecurityOptions", "ServerVersion",
                     "StoreRoot", "UID", "User"}},
    {"version", {"Client"}},
    {"volume ls", {"Availability", "Driver", "Group", "Labels", "Links", "Mountpoint", "Name", "Scope", "Size",
                   "Status"}},
    {"volume inspect", {"CreatedAt", "Driver", "Labels", "Mountpoint", "Name", "Options", "Scope"}},
  };
  return fields;
}

}  // namespace

std::span<const std::string_view> signal_names() { return kSignals; }

std::span<const std::string_view> format_fields(std::string_view command_path) {
  auto it = fields_by_command().find(command_path);
  if (it == fields_by_command().end()) return {};
  return it->second;
}

}  // namespace kayak::cli
