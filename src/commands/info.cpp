#include "kayak/commands/info.hpp"

#include "info_runtime.hpp"

#include "kayak/format/units.hpp"
#include "kayak/network/helper_plan.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <fmt/format.h>

#include "kayak_config.h"

#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace kayak::commands {

namespace {

std::string os_name() {
  std::string text;
  if (!fs::read_file_if_exists("/etc/os-release", text)) return "Linux";
  for (const auto& line : str::split(text, '\n')) {
    if (line.rfind("PRETTY_NAME=", 0) == 0) {
      std::string value = line.substr(12);
      if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
      return value;
    }
  }
  return "Linux";
}

json::Value mapping_json(const std::vector<IdMapEntry>& entries) {
  json::Value array = json::Value::array();
  for (const auto& e : entries) {
    json::Value v = json::Value::object();
    v.set("ContainerID", e.container_id);
    v.set("HostID", e.host_id);
    v.set("Size", e.size);
    array.push_back(std::move(v));
  }
  return array;
}

json::Value status_pair(const char* key, std::string value) {
  json::Value pair = json::Value::array();
  pair.push_back(key);
  pair.push_back(std::move(value));
  return pair;
}

}  // namespace

json::Value system_info(store::Context& ctx) {
  struct utsname uts;
  ::uname(&uts);
  struct sysinfo si;
  ::sysinfo(&si);
  char hostname[256] = {};
  ::gethostname(hostname, sizeof hostname - 1);

  const store::DriverInfo& driver = ctx.driver();
  size_t images = 0;
  {
    FileLock lock = ctx.store().lock_shared();
    images = ctx.store().images().size();
  }
  const Identity& id = ctx.identity();

  json::Value info = json::Value::object();
  info.set("Name", hostname);
  info.set("ServerVersion", KAYAK_VERSION);
  info.set("KernelVersion", uts.release);
  info.set("OperatingSystem", os_name());
  info.set("OSType", "linux");
  info.set("Architecture", uts.machine);
  info.set("NCPU", static_cast<int64_t>(::sysconf(_SC_NPROCESSORS_ONLN)));
  info.set("MemTotal", static_cast<int64_t>(si.totalram) * si.mem_unit);
  info.set("Rootless", id.mode != IdentityMode::Root);
  // What a container's default private network uses now.
  info.set("NetworkHelper", network::default_network_helper());
  info.set("User", id.user_name);
  info.set("UID", static_cast<int64_t>(id.uid));
  json::Value maps = json::Value::object();
  maps.set("UIDMap", mapping_json(id.mapping.uids));
  maps.set("GIDMap", mapping_json(id.mapping.gids));
  info.set("IDMappings", std::move(maps));
  info.set("StoreRoot", ctx.store().paths().root);
  info.set("RunRoot", ctx.store().paths().runroot);
  info.set("Images", static_cast<int64_t>(images));
  info.set("Driver", driver.name);
  json::Value status = json::Value::array();
  status.push_back(status_pair("Backing Filesystem", driver.backing_fs));
  status.push_back(status_pair("Supports d_type", driver.supports_d_type ? "true" : "false"));
  status.push_back(status_pair("Native Overlay Diff", driver.native_overlay_diff ? "true" : "false"));
  status.push_back(status_pair("userxattr", driver.userxattr ? "true" : "false"));
  info.set("DriverStatus", std::move(status));
  if (!driver.fallback_reason.empty()) info.set("DriverFallbackReason", driver.fallback_reason);
  add_runtime_info(ctx, info);
  return info;
}

std::string render_info(const json::Value& info) {
  std::string out;
  auto line = [&](int indent, const std::string& key, const std::string& value) {
    out += std::string(static_cast<size_t>(indent), ' ') + key + ": " + value + "\n";
  };
  auto maps = [](const json::Value& entries) {
    std::vector<std::string> parts;
    for (const auto& e : entries.as_array()) {
      parts.push_back(fmt::format("{}->{} ({})", e["ContainerID"].as_int(), e["HostID"].as_int(), e["Size"].as_int()));
    }
    return parts.empty() ? std::string("none (no user namespace)") : str::join(parts, ", ");
  };
  out += "Host:\n";
  line(1, "Name", info["Name"].as_string());
  line(1, "Kernel Version", info["KernelVersion"].as_string());
  line(1, "Operating System", info["OperatingSystem"].as_string());
  line(1, "OSType", info["OSType"].as_string());
  line(1, "Architecture", info["Architecture"].as_string());
  line(1, "CPUs", std::to_string(info["NCPU"].as_int()));
  line(1, "Total Memory", format::bytes_size(info["MemTotal"].as_int()));
  out += "kayak:\n";
  line(1, "Version", info["ServerVersion"].as_string());
  line(1, "Rootless", info["Rootless"].as_bool() ? "true" : "false");
  if (info.contains("NetworkHelper")) line(1, "Network Helper", info["NetworkHelper"].as_string());
  line(1, "User", fmt::format("{} (uid {})", info["User"].as_string(), info["UID"].as_int()));
  out += " ID Mappings:\n";
  line(2, "UIDs", maps(info["IDMappings"]["UIDMap"]));
  line(2, "GIDs", maps(info["IDMappings"]["GIDMap"]));
  out += "Store:\n";
  line(1, "Root Dir", info["StoreRoot"].as_string());
  line(1, "Run Root", info["RunRoot"].as_string());
  line(1, "Images", std::to_string(info["Images"].as_int()));
  line(1, "Storage Driver", info["Driver"].as_string());
  for (const auto& pair : info["DriverStatus"].as_array()) line(2, pair[0].as_string(), pair[1].as_string());
  if (info.contains("DriverFallbackReason")) line(2, "Fallback Reason", info["DriverFallbackReason"].as_string());
  out += render_runtime_info(info);
  return out;
}

}  // namespace kayak::commands
