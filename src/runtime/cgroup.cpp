#include "kayak/runtime/cgroup.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <set>

namespace kayak::runtime {

using str::split;
using str::trim;

namespace {

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  for (auto& w : split(text, ' ')) {
    if (!w.empty()) out.push_back(w);
  }
  return out;
}

// Mount options of a v1 hierarchy that are not controller names.
bool is_v1_controller(const std::string& option) {
  static const std::set<std::string> generic = {"rw", "ro", "xattr", "clone_children", "noprefix", "cpuset_v2_mode"};
  return !option.empty() && option.find('=') == std::string::npos && !generic.contains(option);
}

}  // namespace

std::string_view cgroup_mode_name(CgroupMode mode) {
  switch (mode) {
  case CgroupMode::V1: return "v1";
  case CgroupMode::Hybrid: return "hybrid";
  case CgroupMode::Unified: return "v2";
  case CgroupMode::None: break;
  }
  return "none";
}

bool CgroupSupport::has(std::string_view controller) const {
  return std::find(controllers.begin(), controllers.end(), controller) != controllers.end();
}

CgroupSupport parse_cgroup_setup(std::string_view mountinfo, std::string_view self_cgroup) {
  CgroupSupport s;
  bool v1 = false;
  for (const auto& line : split(mountinfo, '\n')) {
    // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTS"
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    auto head = words(std::string_view(line).substr(0, dash));
    auto tail = words(std::string_view(line).substr(dash + 3));
    if (head.size() < 5 || tail.empty()) continue;
    if (tail[0] == "cgroup2") {
      if (s.unified_mount.empty()) s.unified_mount = head[4];
    } else if (tail[0] == "cgroup") {
      v1 = true;
      if (tail.size() >= 3) {
        for (auto& opt : split(tail[2], ',')) {
          if (is_v1_controller(opt) &&
              std::find(s.v1_controllers.begin(), s.v1_controllers.end(), opt) == s.v1_controllers.end()) {
            s.v1_controllers.push_back(opt);
          }
        }
      }
    }
  }
  s.mode = v1 ? (s.unified_mount.empty() ? CgroupMode::V1 : CgroupMode::Hybrid)
              : (s.unified_mount.empty() ? CgroupMode::None : CgroupMode::Unified);
  for (const auto& line : split(self_cgroup, '\n')) {
    if (line.starts_with("0::")) s.own_cgroup = line.substr(3);
  }
  return s;
}

std::string delegation_candidate(const CgroupSupport& setup, uid_t euid) {
  // On a hybrid host the v2 hierarchy carries no controllers worth having
  // (here: hugetlb only) and systemd delegates nothing in it.
  if (setup.mode != CgroupMode::Unified || setup.unified_mount.empty()) return "";
  if (euid == 0) return setup.unified_mount;
  std::string marker = "/user@" + std::to_string(euid) + ".service";
  auto at = setup.own_cgroup.find(marker);
  if (at == std::string::npos) return "";
  return setup.unified_mount + setup.own_cgroup.substr(0, at + marker.size());
}

CgroupSupport detect_cgroups() {
  std::string mountinfo, self;
  fs::read_file_if_exists("/proc/self/mountinfo", mountinfo);
  fs::read_file_if_exists("/proc/self/cgroup", self);
  CgroupSupport s = parse_cgroup_setup(mountinfo, self);
  std::string dir = delegation_candidate(s, ::geteuid());
  std::string enabled;
  if (dir.empty() || ::access((dir + "/cgroup.subtree_control").c_str(), W_OK) != 0 ||
      ::access(dir.c_str(), W_OK) != 0 || !fs::read_file_if_exists(dir + "/cgroup.subtree_control", enabled)) {
    return s;
  }
  for (auto& c : words(trim(enabled))) {
    if (c == "cpu" || c == "memory" || c == "pids" || c == "io" || c == "cpuset") s.controllers.push_back(c);
  }
  // cgroup.freeze exists in every non-root v2 cgroup (kernel >= 5.2); a
  // container's own cgroup is never the root.
  if (fs::exists(dir + "/cgroup.procs")) s.controllers.push_back("freezer");
  bool useful = s.has("memory") || s.has("pids") || s.has("cpu");
  if (useful) s.delegated_dir = dir;
  else s.controllers.clear();
  return s;
}

std::string cpu_max_value(int64_t nano_cpus) {
  const int64_t period = 100000;  // microseconds
  int64_t quota = nano_cpus * period / 1000000000;
  if (quota < 1000) quota = 1000;  // the kernel's minimum
  return std::to_string(quota) + " " + std::to_string(period);
}

std::string container_cgroup_path(const CgroupSupport& support, const std::string& id) {
  if (!support.delegated()) return "";
  return support.delegated_dir + "/kayak-" + id;
}

namespace {

void write_control(const std::string& dir, const char* file, const std::string& value) {
  std::string path = dir + "/" + file;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) fail_errno("open {}", path);
  if (::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size())) {
    fail_errno("write {} to {}", value, path);
  }
}

}  // namespace

ContainerCgroup create_container_cgroup(const CgroupSupport& support, const std::string& id,
                                        const CgroupLimits& limits) {
  ContainerCgroup cg;
  cg.path = container_cgroup_path(support, id);
  if (cg.path.empty()) fail("no delegated cgroup v2 subtree to create the container's cgroup in");
  if (::mkdir(cg.path.c_str(), 0755) != 0 && errno != EEXIST) fail_errno("create cgroup {}", cg.path);
  try {
    if (limits.memory > 0) {
      if (!support.has("memory")) fail("the memory controller is not delegated");
      write_control(cg.path, "memory.max", std::to_string(limits.memory));
    }
    if (limits.pids_limit != 0) {
      if (!support.has("pids")) fail("the pids controller is not delegated");
      write_control(cg.path, "pids.max", limits.pids_limit < 0 ? "max" : std::to_string(limits.pids_limit));
    }
    if (limits.nano_cpus > 0) {
      if (!support.has("cpu")) fail("the cpu controller is not delegated");
      write_control(cg.path, "cpu.max", cpu_max_value(limits.nano_cpus));
    }
  } catch (...) {
    ::rmdir(cg.path.c_str());
    throw;
  }
  cg.fd.reset(::open(cg.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cg.fd) fail_errno("open {}", cg.path);
  return cg;
}

void remove_container_cgroup(const CgroupSupport& support, const std::string& id) {
  std::string path = container_cgroup_path(support, id);
  if (path.empty()) return;
  // A cgroup whose last process just died may be busy for a moment.
  for (int i = 0; i < 100; ++i) {
    if (::rmdir(path.c_str()) == 0 || errno == ENOENT) return;
    if (errno != EBUSY) fail_errno("remove cgroup {}", path);
    struct timespec ts{0, 10000000L};
    ::nanosleep(&ts, nullptr);
  }
  fail("remove cgroup {}: still busy", path);
}

void freeze_cgroup(const std::string& path, bool frozen) {
  write_control(path, "cgroup.freeze", frozen ? "1" : "0");
  std::string want = frozen ? "frozen 1" : "frozen 0";
  for (int i = 0; i < 500; ++i) {
    std::string events;
    if (fs::read_file_if_exists(path + "/cgroup.events", events) && events.find(want) != std::string::npos) return;
    struct timespec ts{0, 2000000L};
    ::nanosleep(&ts, nullptr);
  }
  fail("{} {}: the cgroup did not settle", frozen ? "freeze" : "thaw", path);
}

}  // namespace kayak::runtime
