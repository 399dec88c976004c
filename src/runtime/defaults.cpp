#include "kayak/runtime/defaults.hpp"

namespace kayak::runtime {

std::vector<std::string> default_masked_paths() {
  return {"/proc/asound",       "/proc/acpi",        "/proc/kcore",      "/proc/keys",
          "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
          "/proc/scsi",          "/sys/firmware",    "/sys/devices/virtual/powercap"};
}

std::vector<std::string> default_readonly_paths() {
  return {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
}

}  // namespace kayak::runtime
