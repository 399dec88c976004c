// The files kayak writes for each container and binds over the image's:
// /etc/hosts, /etc/hostname, /etc/resolv.conf.
#include "kayak/monitor/container_spec.hpp"

#include "kayak/util/strings.hpp"

namespace kayak::monitor {

namespace {

// "host:ip" (Docker also accepts "host=ip") -> "ip\thost".
std::string add_host_line(const std::string& entry) {
  size_t sep = entry.find_first_of(":=");
  if (sep == std::string::npos) return {};
  return entry.substr(sep + 1) + "\t" + entry.substr(0, sep) + "\n";
}

bool is_loopback_nameserver(std::string_view address) {
  return address.starts_with("127.") || address == "::1" || address == "0:0:0:0:0:0:0:1";
}

}  // namespace

std::string make_hosts(const store::ContainerConfig& config, const std::string& host_hosts,
                       const std::string& host_address) {
  std::string out;
  if (config.network_mode == "host") {
    out = host_hosts;
    if (!out.empty() && out.back() != '\n') out += '\n';
  } else {
    out = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
    std::string name = config.hostname;
    if (!config.domainname.empty()) name = config.hostname + "." + config.domainname + "\t" + config.hostname;
    // No address of its own until the network module gives one: the
    // hostname resolves to loopback, so programs that look it up work.
    // The container's name resolves too (as podman and Docker's embedded
    // DNS do), unless it is the hostname already.
    if (!config.name.empty() && config.name != config.hostname) name += (name.empty() ? "" : " ") + config.name;
    if (!name.empty()) out += "127.0.1.1\t" + name + "\n";
    if (!host_address.empty()) out += host_address + "\thost.containers.internal host.docker.internal\n";
  }
  for (const auto& entry : config.add_hosts) out += add_host_line(entry);
  return out;
}

std::string make_resolv_conf(const store::ContainerConfig& config, const std::string& host_resolv,
                             const std::string& dns_forwarder) {
  std::vector<std::string> nameservers = config.dns;
  std::vector<std::string> search = config.dns_search;
  std::vector<std::string> options = config.dns_options;
  bool host_network = config.network_mode == "host";
  for (const auto& raw : str::split(host_resolv, '\n')) {
    auto words = str::split(std::string(str::trim(raw)), ' ');
    std::erase_if(words, [](const std::string& w) { return w.empty(); });
    if (words.size() < 2 || words[0].starts_with('#') || words[0].starts_with(';')) continue;
    if (words[0] == "nameserver" && config.dns.empty()) {
      if (host_network || !is_loopback_nameserver(words[1])) nameservers.push_back(words[1]);
    } else if ((words[0] == "search" || words[0] == "domain") && config.dns_search.empty()) {
      search.insert(search.end(), words.begin() + 1, words.end());
    } else if (words[0] == "options" && config.dns_options.empty()) {
      options.insert(options.end(), words.begin() + 1, words.end());
    }
  }
  // The helper's forwarder reaches the host's resolvers, loopback ones
  // included, and keeps working when the host's change.
  if (config.dns.empty() && !dns_forwarder.empty()) nameservers = {dns_forwarder};
  if (nameservers.empty()) nameservers = {"8.8.8.8", "8.8.4.4"};
  std::string out;
  if (!search.empty()) out += "search " + str::join(search, " ") + "\n";
  for (const auto& ns : nameservers) out += "nameserver " + ns + "\n";
  if (!options.empty()) out += "options " + str::join(options, " ") + "\n";
  return out;
}

}  // namespace kayak::monitor
