// Published ports: the -p grammar, Docker's renderings of a binding, and
// the grouping of consecutive ports into ranges.
//   -p 8001:80              host port 8001 on every address -> 80/tcp
//   -p 127.0.0.1:8001:80    one address
//   -p [::1]:8001:80        an IPv6 address, in brackets ("::1:8001:80" is an error, as in podman)
//   -p 127.0.0.1::80        one address, a free host port chosen at each start
//   -p 80                   every address, a free host port
//   -p 8000-8002:80-82/udp  ranges of the same length, pairwise
//   -p 8000-8010:80         one free host port out of the range
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kayak::network {

struct PortBinding {
  std::string host_ip;         // "" = every address (shown as 0.0.0.0)
  uint16_t host_port = 0;      // 0 = chosen at each start
  uint16_t host_port_end = 0;  // with host_port: the last port of a range to choose from; else 0
  uint16_t container_port = 0;
  std::string proto = "tcp";   // "tcp", "udp" or "sctp"

  // "80/tcp"
  std::string container_key() const;
  bool operator==(const PortBinding&) const = default;
};

// Parses one -p value into its bindings (a pair of ranges gives one per
// port). Errors use Docker's wording ("invalid hostPort: x").
std::vector<PortBinding> parse_publish(const std::string& spec);
// Every -p value, in order.
std::vector<PortBinding> parse_publish_all(const std::vector<std::string>& specs);

// Docker's PORTS column: "0.0.0.0:8001->80/tcp", consecutive bindings
// grouped ("0.0.0.0:8000-8002->80-82/tcp"), exposed ports that are not
// published as "443/tcp"; comma-separated.
std::string ports_column(const std::vector<PortBinding>& bindings, const std::vector<std::string>& exposed);

// `port` lines: "80/tcp -> 0.0.0.0:8001", "80/tcp -> ::1:8001" (IPv6
// unbracketed, as podman prints it; host port 0 is left out: not chosen
// yet). -p 8001:80 shows as 0.0.0.0 alone though it is served on [::] too,
// as podman and Docker show it.
std::string host_address(const PortBinding& binding);

}  // namespace kayak::network
