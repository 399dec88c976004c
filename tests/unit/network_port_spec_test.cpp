#include "kayak/network/port_spec.hpp"
#include "kayak/util/error.hpp"

#include <doctest/doctest.h>

using namespace kayak;
using network::parse_publish;
using network::PortBinding;

TEST_CASE("parse_publish: Docker's -p forms") {
  auto one = parse_publish("8001:80");
  REQUIRE(one.size() == 1);
  CHECK(one[0] == PortBinding{"", 8001, 0, 80, "tcp"});
  CHECK(parse_publish("127.0.0.1:8001:80/udp")[0] == PortBinding{"127.0.0.1", 8001, 0, 80, "udp"});
  CHECK(parse_publish("127.0.0.1::53/UDP")[0] == PortBinding{"127.0.0.1", 0, 0, 53, "udp"});
  CHECK(parse_publish("80")[0] == PortBinding{"", 0, 0, 80, "tcp"});
  CHECK(parse_publish("[::1]:8080:80")[0] == PortBinding{"::1", 8080, 0, 80, "tcp"});
  auto range = parse_publish("8000-8002:80-82");
  REQUIRE(range.size() == 3);
  CHECK(range[2] == PortBinding{"", 8002, 0, 82, "tcp"});
  auto choose = parse_publish("8000-8010:80");
  REQUIRE(choose.size() == 1);
  CHECK(choose[0] == PortBinding{"", 8000, 8010, 80, "tcp"});
  CHECK(parse_publish("90-92").size() == 3);
}

TEST_CASE("parse_publish: errors as Docker words them") {
  auto error_of = [](const std::string& spec) {
    try {
      parse_publish(spec);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("abc:80") == "invalid hostPort: abc");
  CHECK(error_of("8080:0") == "invalid containerPort: 0");
  CHECK(error_of("8080:70000") == "invalid containerPort: 70000");
  CHECK(error_of("8080:80/icmp") == "invalid proto: icmp");
  CHECK(error_of("8000-8001:80-82") == "invalid ranges specified for container and host Ports: 80-82 and 8000-8001");
  CHECK(error_of("300.1.1.1:80:80") == "invalid IP address: 300.1.1.1");
  CHECK(error_of("8080:") == "no port specified: 8080:<empty>");
  CHECK(error_of("1:2:3:4") == "invalid port format in 1:2:3:4: format is [[hostIP:]hostPort:]containerPort, "
                               "an IPv6 hostIP in brackets ([::1]:8080:80)");
  CHECK(error_of("::1:8080:80").starts_with("invalid port format in ::1:8080:80: "));
}

TEST_CASE("ports_column groups consecutive bindings and adds unpublished exposed ports") {
  auto bindings = network::parse_publish_all({"8000-8002:80-82", "127.0.0.1:9000:90/udp", "53"});
  CHECK(network::ports_column(bindings, {"443/tcp", "80/tcp", "81/tcp"}) ==
        "0.0.0.0:8000-8002->80-82/tcp, 127.0.0.1:9000->90/udp, 0.0.0.0:->53/tcp, 443/tcp");
  CHECK(network::ports_column({}, {"80/tcp"}) == "80/tcp");
  CHECK(network::ports_column(network::parse_publish_all({"8001:80", "8003:81"}), {}) ==
        "0.0.0.0:8001->80/tcp, 0.0.0.0:8003->81/tcp");
  // IPv6 unbracketed, as podman shows it.
  CHECK(network::ports_column(network::parse_publish_all({"[::1]:8001:80", "[::]:8002:81"}), {}) ==
        "::1:8001->80/tcp, :::8002->81/tcp");
}

TEST_CASE("host_address as `port` prints it") {
  CHECK(network::host_address(parse_publish("8001:80")[0]) == "0.0.0.0:8001");
  CHECK(network::host_address(parse_publish("[::1]:8001:80")[0]) == "::1:8001");
  CHECK(network::host_address(parse_publish("127.0.0.1::80")[0]) == "127.0.0.1");
}
