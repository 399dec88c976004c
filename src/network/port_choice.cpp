#include "kayak/network/port_choice.hpp"

#include "host_socket.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <algorithm>

namespace kayak::network {

namespace {

// TCP probes take SO_REUSEADDR: a port whose old connections sit in
// TIME_WAIT is free to publish, one with a listener is not. UDP sockets
// with it could share a port, so they probe without.
UniqueFd probe(const PortBinding& binding, uint16_t port) {
  return bind_host_socket(binding, port, false, binding.proto == "tcp");
}

// The forwarder's socket. TCP takes SO_REUSEADDR, so a port whose last
// connections linger in TIME_WAIT is published again at once.
UniqueFd listen_on(const PortBinding& binding, uint16_t port) {
  return bind_host_socket(binding, port, true, binding.proto == "tcp");
}

}  // namespace

unsigned unprivileged_port_start() {
  try {
    auto value = str::parse_uint(str::trim(fs::read_file("/proc/sys/net/ipv4/ip_unprivileged_port_start")));
    if (value) return static_cast<unsigned>(*value);
  } catch (const Error&) {
  }
  return 1024;
}

std::vector<PortBinding> ports_to_publish(const std::vector<std::string>& publish, bool publish_all,
                                          const std::vector<std::string>& exposed_ports) {
  std::vector<PortBinding> out = parse_publish_all(publish);
  if (!publish_all) return out;
  for (const auto& key : exposed_ports) {
    bool named = std::any_of(out.begin(), out.end(), [&](const PortBinding& b) { return b.container_key() == key; });
    if (named) continue;
    // An exposed port is "80/tcp" (or "80" from an older record): -p's grammar.
    auto parsed = parse_publish(key);
    out.insert(out.end(), parsed.begin(), parsed.end());
  }
  return out;
}

void check_host_ports(const std::vector<PortBinding>& bindings, bool caller_is_root) {
  unsigned first_unprivileged = caller_is_root ? 0 : unprivileged_port_start();
  for (const auto& binding : bindings) {
    if (binding.host_port == 0) continue;
    uint16_t highest = binding.host_port_end ? binding.host_port_end : binding.host_port;
    if (highest < first_unprivileged)
      fail("bind {}: port {} is below net.ipv4.ip_unprivileged_port_start ({}): only root may publish it "
           "(use a port >= {}, or lower the sysctl)",
           socket_address(binding, binding.host_port), binding.host_port, first_unprivileged, first_unprivileged);
    // A range is only checked when the start chooses from it.
    if (binding.host_port_end == 0) probe(binding, binding.host_port);
  }
}

std::vector<HostListener> bind_host_ports(const std::vector<PortBinding>& bindings) {
  std::vector<HostListener> out;
  for (PortBinding binding : bindings) {
    UniqueFd fd;
    if (binding.host_port_end != 0) {
      std::string last_error;
      for (unsigned port = binding.host_port; port <= binding.host_port_end && !fd; ++port) {
        try {
          fd = listen_on(binding, static_cast<uint16_t>(port));
        } catch (const Error& e) {
          last_error = e.what();
        }
      }
      if (!fd)
        fail("no free host port in {}-{} for {}: {}", binding.host_port, binding.host_port_end,
             binding.container_key(), last_error);
      binding.host_port_end = 0;
    } else {
      fd = listen_on(binding, binding.host_port);
    }
    binding.host_port = bound_port(fd.get());
    out.push_back(HostListener{std::move(binding), std::move(fd)});
  }
  return out;
}

std::string publish_spec(const PortBinding& b) {
  std::string ip = b.host_ip;
  if (ip.find(':') != std::string::npos) ip = "[" + ip + "]";
  std::string spec = ip.empty() ? "" : ip + ":";
  return spec + std::to_string(b.host_port) + ":" + std::to_string(b.container_port) + "/" + b.proto;
}

}  // namespace kayak::network
