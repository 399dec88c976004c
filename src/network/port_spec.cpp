#include "kayak/network/port_spec.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <optional>

namespace kayak::network {

namespace {

struct Range {
  uint16_t first = 0, last = 0;
  size_t size() const { return last - first + 1u; }
};

std::optional<Range> parse_range(const std::string& text) {
  auto parts = str::split(text, '-');
  if (parts.empty() || parts.size() > 2) return std::nullopt;
  auto first = str::parse_uint(parts[0]);
  auto last = parts.size() == 2 ? str::parse_uint(parts[1]) : first;
  if (!first || !last || *first == 0 || *last > 65535 || *first > *last) return std::nullopt;
  return Range{static_cast<uint16_t>(*first), static_cast<uint16_t>(*last)};
}

bool valid_ip(const std::string& ip) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, ip.c_str(), buf) == 1 || ::inet_pton(AF_INET6, ip.c_str(), buf) == 1;
}

// [ip:][hostPort:]containerPort, the ip possibly an IPv6 address in brackets.
void split_fields(const std::string& spec, const std::string& rest, std::string& ip, std::string& host,
                  std::string& container) {
  std::string tail = rest;
  if (!tail.empty() && tail[0] == '[') {
    auto close = tail.find(']');
    if (close == std::string::npos || close + 1 >= tail.size() || tail[close + 1] != ':')
      fail("invalid IP address in {}", spec);
    ip = tail.substr(1, close - 1);
    tail = tail.substr(close + 2);
    auto colon = tail.find(':');
    if (colon == std::string::npos) fail("invalid port format in {}", spec);
    host = tail.substr(0, colon);
    container = tail.substr(colon + 1);
    return;
  }
  auto fields = str::split(tail, ':');
  if (fields.size() == 1) {
    container = fields[0];
  } else if (fields.size() == 2) {
    host = fields[0];
    container = fields[1];
  } else if (fields.size() == 3) {
    ip = fields[0];
    host = fields[1];
    container = fields[2];
  } else {
    // podman refuses "::1:8080:80" too: which colon ends the address?
    fail("invalid port format in {}: format is [[hostIP:]hostPort:]containerPort, an IPv6 hostIP in brackets "
         "([::1]:8080:80)", spec);
  }
}

}  // namespace

std::string PortBinding::container_key() const { return std::to_string(container_port) + "/" + proto; }

std::vector<PortBinding> parse_publish(const std::string& spec) {
  std::string rest = spec, proto = "tcp";
  if (auto slash = rest.rfind('/'); slash != std::string::npos) {
    proto = str::to_lower(rest.substr(slash + 1));
    rest = rest.substr(0, slash);
    if (proto != "tcp" && proto != "udp" && proto != "sctp") fail("invalid proto: {}", proto);
  }
  std::string ip, host, container;
  split_fields(spec, rest, ip, host, container);
  if (container.empty()) fail("no port specified: {}<empty>", spec);
  if (!ip.empty() && !valid_ip(ip)) fail("invalid IP address: {}", ip);
  auto ctr = parse_range(container);
  if (!ctr) fail("invalid containerPort: {}", container);
  std::optional<Range> hst;
  if (!host.empty()) {
    hst = parse_range(host);
    if (!hst) fail("invalid hostPort: {}", host);
    // Docker: ranges pair up port by port, or a host range offers one port
    // for a single container port.
    if (hst->size() != ctr->size() && ctr->size() != 1)
      fail("invalid ranges specified for container and host Ports: {} and {}", container, host);
  }
  std::vector<PortBinding> out;
  for (unsigned offset = 0; offset < ctr->size(); ++offset) {
    PortBinding b;
    b.host_ip = ip;
    b.container_port = static_cast<uint16_t>(ctr->first + offset);
    b.proto = proto;
    if (hst && hst->size() == ctr->size()) {
      b.host_port = static_cast<uint16_t>(hst->first + offset);
    } else if (hst) {
      b.host_port = hst->first;
      b.host_port_end = hst->last;
    }
    out.push_back(b);
  }
  return out;
}

std::vector<PortBinding> parse_publish_all(const std::vector<std::string>& specs) {
  std::vector<PortBinding> out;
  for (const auto& spec : specs) {
    auto part = parse_publish(spec);
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

std::string host_address(const PortBinding& b) {
  // IPv6 without brackets ("::1:8001"), as podman prints it.
  std::string ip = b.host_ip.empty() ? "0.0.0.0" : b.host_ip;
  return b.host_port ? ip + ":" + std::to_string(b.host_port) : ip;
}

std::string ports_column(const std::vector<PortBinding>& bindings, const std::vector<std::string>& exposed) {
  std::vector<std::string> parts;
  // Consecutive host and container ports on the same address and protocol
  // are shown as one range, as Docker does.
  for (size_t i = 0; i < bindings.size();) {
    const PortBinding& first = bindings[i];
    size_t j = i + 1;
    while (j < bindings.size() && bindings[j].host_ip == first.host_ip && bindings[j].proto == first.proto &&
           first.host_port != 0 && bindings[j].host_port_end == 0 &&
           bindings[j].host_port == first.host_port + (j - i) &&
           bindings[j].container_port == first.container_port + (j - i))
      ++j;
    const PortBinding& last = bindings[j - 1];
    std::string ip = first.host_ip.empty() ? "0.0.0.0" : first.host_ip;
    std::string host = first.host_port ? std::to_string(first.host_port) : "";
    std::string ctr = std::to_string(first.container_port);
    if (j - i > 1) {
      host += "-" + std::to_string(last.host_port);
      ctr += "-" + std::to_string(last.container_port);
    }
    parts.push_back(ip + ":" + host + "->" + ctr + "/" + first.proto);
    i = j;
  }
  for (const auto& port : exposed) {
    bool published = std::any_of(bindings.begin(), bindings.end(),
                                 [&](const PortBinding& b) { return b.container_key() == port; });
    if (!published) parts.push_back(port);
  }
  return str::join(parts, ", ");
}

}  // namespace kayak::network
