#include "kayak/network/helper_plan.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/route.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kayak::network {

namespace {

constexpr const char* kTunDevice = "/dev/net/tun";

std::string find_on_path(const std::string& name) {
  const char* env = ::getenv("PATH");
  std::string path = env ? env : "/usr/local/bin:/usr/bin:/bin";
  for (const auto& dir : str::split(path, ':')) {
    if (dir.empty()) continue;
    std::string candidate = fs::join(dir, name);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

// Both helpers open /dev/net/tun inside the container's namespaces; as an
// unprivileged user that works only when the device is open to everyone.
// "" when it can be used, else why not.
std::string tun_problem() {
  if (::access(kTunDevice, R_OK | W_OK) == 0) return {};
  return fmt::format("{}: {}", kTunDevice, std::strerror(errno));
}

std::string ipv4_text(in_addr address) {
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &address, text, sizeof text);
  return text;
}

// The host's IPv4 default gateway (/proc/net/route), "" when there is none.
// pasta copies it into the container and maps it to the host's loopback.
std::string default_gateway() {
  std::string table;
  if (!fs::read_file_if_exists("/proc/net/route", table)) return {};
  for (const auto& line : str::split(table, '\n')) {
    std::vector<std::string> fields;
    for (auto& word : str::split(line, '\t'))
      if (!str::trim(word).empty()) fields.push_back(std::string(str::trim(word)));
    if (fields.size() < 4 || fields[1] != "00000000") continue;
    unsigned long flags = std::strtoul(fields[3].c_str(), nullptr, 16);
    if (!(flags & RTF_UP) || !(flags & RTF_GATEWAY)) continue;
    in_addr gateway{};
    // The kernel prints the address in host byte order as hex.
    gateway.s_addr = static_cast<in_addr_t>(std::strtoul(fields[2].c_str(), nullptr, 16));
    return ipv4_text(gateway);
  }
  return {};
}

// The host's first IPv4 address that is not loopback: reaches the host
// from a helper that does not map an address to the host's loopback.
std::string first_host_ipv4() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return {};
  std::string found;
  for (ifaddrs* it = list; it && found.empty(); it = it->ifa_next) {
    if (!it->ifa_addr || it->ifa_addr->sa_family != AF_INET) continue;
    if ((it->ifa_flags & IFF_LOOPBACK) || !(it->ifa_flags & IFF_UP)) continue;
    found = ipv4_text(reinterpret_cast<sockaddr_in*>(it->ifa_addr)->sin_addr);
  }
  ::freeifaddrs(list);
  return found;
}

bool has_option(const std::vector<std::string>& options, std::initializer_list<const char*> names) {
  for (const auto& option : options)
    for (const char* name : names)
      if (option == name || option.starts_with(std::string(name) + "=")) return true;
  return false;
}

// "10.0.2.0/24" -> the address at offset `host` in it.
std::string address_in(const std::string& cidr, uint32_t host) {
  auto slash = cidr.find('/');
  auto prefix = slash == std::string::npos ? std::nullopt : str::parse_uint(cidr.substr(slash + 1));
  in_addr base{};
  if (!prefix || *prefix < 8 || *prefix > 25 || ::inet_pton(AF_INET, cidr.substr(0, slash).c_str(), &base) != 1)
    fail("slirp4netns: invalid cidr {} (want an IPv4 network such as 10.0.2.0/24)", cidr);
  uint32_t mask = ~0u << (32 - *prefix);
  in_addr out{};
  out.s_addr = htonl((ntohl(base.s_addr) & mask) + host);
  return ipv4_text(out);
}

void plan_pasta(UserModePlan& plan) {
  for (const char* owned : {"--netns", "--userns", "--pid", "-P", "--runas", "-f", "--foreground"})
    if (has_option(plan.options, {owned})) fail("pasta: option {} is set by kayak", owned);
  // With the gateway mapped (pasta's default) connections to it reach the
  // host's loopback: that is what host.containers.internal names.
  plan.host_address = has_option(plan.options, {"--no-map-gw"}) ? first_host_ipv4() : default_gateway();
  plan.dns_forwarder = kPastaDnsForwarder;
  for (size_t i = 0; i + 1 < plan.options.size(); ++i)
    if (plan.options[i] == "--dns-forward") plan.dns_forwarder = plan.options[i + 1];
}

void plan_slirp4netns(UserModePlan& plan) {
  for (const auto& option : plan.options) {
    auto eq = option.find('=');
    std::string key = option.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : option.substr(eq + 1);
    if (key == "allow_host_loopback" && (value == "true" || value == "false")) {
      plan.allow_host_loopback = value == "true";
    } else if (key == "mtu" && str::parse_uint(value) && *str::parse_uint(value) >= 68 &&
               *str::parse_uint(value) <= 65521) {
      plan.mtu = static_cast<unsigned>(*str::parse_uint(value));
    } else if (key == "cidr" && !value.empty()) {
      plan.cidr = value;
    } else {
      fail("slirp4netns: invalid option \"{}\" (supported: allow_host_loopback=true|false, mtu=N, cidr=A.B.C.D/N)",
           option);
    }
  }
  std::string cidr = plan.cidr.empty() ? "10.0.2.0/24" : plan.cidr;
  plan.dns_forwarder = address_in(cidr, 3);
  // As podman: the host's loopback is not reachable unless asked for;
  // host.containers.internal then names the host's own address.
  plan.host_address = plan.allow_host_loopback ? address_in(cidr, 2) : first_host_ipv4();
}

}  // namespace

bool is_private_mode(const std::string& mode) {
  return mode.empty() || mode == "private" || mode == "bridge" || mode == "default" || mode == "pasta" ||
         mode.starts_with("pasta:") || mode == "slirp4netns" || mode.starts_with("slirp4netns:");
}

UserModePlan plan_user_mode_network(const std::string& mode) {
  UserModePlan plan;
  if (!is_private_mode(mode)) return plan;
  auto colon = mode.find(':');
  std::string name = mode.substr(0, colon);
  if (colon != std::string::npos) {
    for (const auto& option : str::split(mode.substr(colon + 1), ','))
      if (!option.empty()) plan.options.push_back(option);
  }
  if (name == "pasta" || name == "slirp4netns") {
    plan.program = find_on_path(name);
    if (plan.program.empty())
      fail("{} not found in PATH (install the package {})", name, name == "pasta" ? "passt" : "slirp4netns");
    if (auto problem = tun_problem(); !problem.empty())
      fail("{} cannot connect the container: {} (the device must be readable and writable by the user)", name,
           problem);
    plan.helper = name;
  } else {
    for (const char* candidate : {"pasta", "slirp4netns"}) {
      plan.program = find_on_path(candidate);
      if (!plan.program.empty()) {
        plan.helper = candidate;
        break;
      }
    }
    if (plan.helper.empty()) {
      plan.warning =
          "no user-mode network helper found in PATH (install the package passt, or slirp4netns): "
          "the container's network has loopback only";
      return plan;
    }
    if (auto problem = tun_problem(); !problem.empty()) {
      plan.warning = fmt::format("{} cannot connect the container: {}: the container's network has loopback only",
                                 plan.helper, problem);
      plan.helper.clear();
      plan.program.clear();
      return plan;
    }
  }
  if (plan.helper == "pasta") {
    plan_pasta(plan);
  } else {
    plan_slirp4netns(plan);
  }
  return plan;
}

std::string default_network_helper() {
  try {
    UserModePlan plan = plan_user_mode_network("");
    return plan.helper.empty() ? "none" : plan.helper;
  } catch (const Error&) {
    return "none";
  }
}

}  // namespace kayak::network
