#include "info_runtime.hpp"

#include "kayak/runtime/cgroup.hpp"
#include "kayak/store/container.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <seccomp.h>

#include <fmt/format.h>

namespace kayak::commands {

namespace {

std::vector<std::string> namespaces() {
  std::vector<std::string> out;
  for (auto name : {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"}) {
    if (fs::exists(std::string("/proc/self/ns/") + name)) out.push_back(name);
  }
  return out;
}

bool kernel_seccomp() {
  std::string status;
  return fs::read_file_if_exists("/proc/self/status", status) && status.find("\nSeccomp:") != std::string::npos;
}

}  // namespace

void add_runtime_info(store::Context& ctx, json::Value& info) {
  store::ContainerStore containers(ctx.store());
  int64_t running = 0, paused = 0, stopped = 0, total = 0;
  for (const auto& id : containers.list_ids()) {
    try {
      auto status = containers.state(id).status;
      ++total;
      if (status == store::ContainerStatus::Running) ++running;
      else if (status == store::ContainerStatus::Paused) ++paused;
      else ++stopped;
    } catch (const Error&) {
      // Removed while we looked.
    }
  }
  info.set("Containers", total);
  info.set("ContainersRunning", running);
  info.set("ContainersPaused", paused);
  info.set("ContainersStopped", stopped);

  auto cg = runtime::detect_cgroups();
  info.set("CgroupVersion", cg.version() ? std::to_string(cg.version()) : std::string(""));
  info.set("CgroupDriver", cg.delegated() ? "cgroupfs" : "none");
  info.set("CgroupMode", std::string(runtime::cgroup_mode_name(cg.mode)));
  info.set("CgroupControllers", json::Value::strings(cg.controllers));
  info.set("Namespaces", json::Value::strings(namespaces()));
  const scmp_version* v = seccomp_version();
  std::string version = v ? fmt::format("{}.{}.{}", v->major, v->minor, v->micro) : "";
  json::Value seccomp = json::Value::object();
  seccomp.set("Enabled", kernel_seccomp());
  seccomp.set("Version", version);
  info.set("Seccomp", std::move(seccomp));
  std::vector<std::string> security;
  if (kernel_seccomp()) security.push_back("name=seccomp,profile=builtin");
  if (info.contains("Rootless") && info["Rootless"].as_bool()) security.push_back("name=rootless");
  if (cg.version() == 2) security.push_back("name=cgroupns");
  info.set("SecurityOptions", json::Value::strings(security));
  info.set("DefaultRuntime", "kayak (built-in)");
}

std::string render_runtime_info(const json::Value& info) {
  std::string out;
  auto line = [&](int indent, const std::string& key, const std::string& value) {
    out += std::string(static_cast<size_t>(indent), ' ') + key + ": " + value + "\n";
  };
  auto list = [](const json::Value& v) {
    std::vector<std::string> parts;
    for (const auto& e : v.as_array()) parts.push_back(e.as_string());
    return parts;
  };
  out += "Runtime:\n";
  line(1, "Containers", std::to_string(info["Containers"].as_int()));
  line(2, "Running", std::to_string(info["ContainersRunning"].as_int()));
  line(2, "Paused", std::to_string(info["ContainersPaused"].as_int()));
  line(2, "Stopped", std::to_string(info["ContainersStopped"].as_int()));
  line(1, "Cgroup Driver", info["CgroupDriver"].as_string());
  std::string version = info["CgroupVersion"].as_string();
  line(1, "Cgroup Version", version.empty() ? "none" : fmt::format("{} ({})", version, info["CgroupMode"].as_string()));
  auto controllers = list(info["CgroupControllers"]);
  line(1, "Delegated Controllers", controllers.empty() ? "none" : str::join(controllers, " "));
  line(1, "Namespaces", str::join(list(info["Namespaces"]), " "));
  line(1, "Default Runtime", info["DefaultRuntime"].as_string());
  out += " Security Options:\n";
  for (const auto& opt : list(info["SecurityOptions"])) out += "  " + opt + "\n";
  line(1, "Seccomp", fmt::format("{} (libseccomp {})", info["Seccomp"]["Enabled"].as_bool() ? "enabled" : "disabled",
                                 info["Seccomp"]["Version"].as_string()));
  return out;
}

}  // namespace kayak::commands
