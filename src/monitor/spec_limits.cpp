// --ulimit as rlimits the runtime applies.
#include "kayak/monitor/container_spec.hpp"

#include "kayak/util/error.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <map>

namespace kayak::monitor {

int rlimit_resource(const std::string& name) {
  static const std::map<std::string, int, std::less<>> names = {
    {"core", RLIMIT_CORE}, {"cpu", RLIMIT_CPU}, {"data", RLIMIT_DATA}, {"fsize", RLIMIT_FSIZE},
    {"locks", RLIMIT_LOCKS}, {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE},
    {"nice", RLIMIT_NICE}, {"nofile", RLIMIT_NOFILE}, {"nproc", RLIMIT_NPROC}, {"rss", RLIMIT_RSS},
    {"rtprio", RLIMIT_RTPRIO}, {"rttime", RLIMIT_RTTIME}, {"sigpending", RLIMIT_SIGPENDING},
    {"stack", RLIMIT_STACK}, {"as", RLIMIT_AS},
  };
  auto it = names.find(name);
  return it == names.end() ? -1 : it->second;
}

std::vector<runtime::Rlimit> clamp_ulimits(const std::vector<store::Ulimit>& ulimits,
                                           const std::function<uint64_t(int)>& hard_limit_of) {
  std::vector<runtime::Rlimit> out;
  for (const auto& ulimit : ulimits) {
    int resource = rlimit_resource(ulimit.name);
    if (resource < 0) fail("invalid ulimit type: {}", ulimit.name);
    auto value = [](int64_t v) { return v < 0 ? static_cast<uint64_t>(RLIM_INFINITY) : static_cast<uint64_t>(v); };
    uint64_t ceiling = hard_limit_of(resource);
    runtime::Rlimit limit;
    limit.resource = resource;
    limit.hard = std::min(value(ulimit.hard), ceiling);
    limit.soft = std::min(value(ulimit.soft), limit.hard);
    out.push_back(limit);
  }
  return out;
}

}  // namespace kayak::monitor
