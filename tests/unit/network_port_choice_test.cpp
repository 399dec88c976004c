#include "kayak/network/port_choice.hpp"
#include "kayak/util/error.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <fstream>
#include <string>

using namespace kayak;
using network::parse_publish;

namespace {

// Whether family's address (text) can listen on port now, as another
// program on the host would (SO_REUSEADDR, as servers do).
bool can_listen(int family, const char* ip, uint16_t port) {
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(fd);
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (family == AF_INET6) {
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    REQUIRE(::inet_pton(AF_INET6, ip, &in6->sin6_addr) == 1);
    length = sizeof *in6;
  } else {
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    REQUIRE(::inet_pton(AF_INET, ip, &in->sin_addr) == 1);
    length = sizeof *in;
  }
  return ::bind(fd.get(), reinterpret_cast<sockaddr*>(&storage), length) == 0 && ::listen(fd.get(), 1) == 0;
}

bool host_has_ipv6() {
  std::ifstream in("/proc/net/if_inet6");
  std::string line;
  return static_cast<bool>(std::getline(in, line));
}

}  // namespace

TEST_CASE("bind_host_ports: a chosen port stays bound until the listener is dropped") {
  auto listeners = network::bind_host_ports(parse_publish("127.0.0.1::80"));
  REQUIRE(listeners.size() == 1);
  uint16_t port = listeners[0].binding.host_port;
  CHECK(port != 0);
  CHECK(listeners[0].binding.host_port_end == 0);
  CHECK_FALSE(can_listen(AF_INET, "127.0.0.1", port));
  listeners.clear();
  CHECK(can_listen(AF_INET, "127.0.0.1", port));
}

TEST_CASE("bind_host_ports: no host IP takes the port on IPv4 and IPv6 at once") {
  auto listeners = network::bind_host_ports(parse_publish("80"));
  REQUIRE(listeners.size() == 1);
  uint16_t port = listeners[0].binding.host_port;
  CHECK(listeners[0].binding.host_ip == "");
  CHECK_FALSE(can_listen(AF_INET, "127.0.0.1", port));
  if (host_has_ipv6()) CHECK_FALSE(can_listen(AF_INET6, "::1", port));
}

TEST_CASE("bind_host_ports: a port taken on either family is an error naming it") {
  auto held = network::bind_host_ports(parse_publish("127.0.0.1::80"));
  uint16_t port = held[0].binding.host_port;
  auto error_of = [](const std::string& spec) {
    try {
      network::bind_host_ports(parse_publish(spec));
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of(std::to_string(port) + ":80") == "bind 0.0.0.0:" + std::to_string(port) + ": address already in use");
  if (!host_has_ipv6()) return;
  auto held6 = network::bind_host_ports(parse_publish("[::1]::80"));
  uint16_t port6 = held6[0].binding.host_port;
  CHECK(error_of(std::to_string(port6) + ":80") == "bind 0.0.0.0:" + std::to_string(port6) + ": address already in use");
  CHECK(error_of("[::1]:" + std::to_string(port6) + ":80") ==
        "bind [::1]:" + std::to_string(port6) + ": address already in use");
}

TEST_CASE("bind_host_ports: a host range gives its first free port, and two bindings never share one") {
  auto first = network::bind_host_ports(parse_publish("127.0.0.1::80"));
  uint16_t taken = first[0].binding.host_port;
  if (taken > 65533) return;
  std::string range = "127.0.0.1:" + std::to_string(taken) + "-" + std::to_string(taken + 2) + ":";
  if (!can_listen(AF_INET, "127.0.0.1", static_cast<uint16_t>(taken + 1))) return;  // the host's own
  auto chosen = network::bind_host_ports(network::parse_publish_all({range + "80", range + "81"}));
  REQUIRE(chosen.size() == 2);
  CHECK(chosen[0].binding.host_port == taken + 1);
  CHECK(chosen[1].binding.host_port != taken + 1);
  CHECK(chosen[1].binding.host_port_end == 0);
}
