#include "host_socket.hpp"

#include "kayak/util/error.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <string>

namespace kayak::network {

namespace {

int socket_type(const std::string& proto) {
  if (proto == "udp") return SOCK_DGRAM;
  if (proto == "tcp") return SOCK_STREAM;
  fail("publishing {} ports is not supported", proto);
}

// strerror in Go's lower case, as Docker prints it.
std::string lower_error(int err) {
  std::string text = std::strerror(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

}  // namespace

UniqueFd bind_host_socket(const PortBinding& binding, uint16_t port, bool listening, bool reuse_address) {
  sockaddr_storage address{};
  socklen_t length = 0;
  int family = AF_INET;
  if (binding.host_ip.find(':') != std::string::npos) {
    family = AF_INET6;
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&address);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    if (::inet_pton(AF_INET6, binding.host_ip.c_str(), &in6->sin6_addr) != 1) fail("invalid IP address: {}", binding.host_ip);
    length = sizeof(sockaddr_in6);
  } else {
    auto* in = reinterpret_cast<sockaddr_in*>(&address);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    in->sin_addr.s_addr = htonl(INADDR_ANY);
    if (!binding.host_ip.empty() && ::inet_pton(AF_INET, binding.host_ip.c_str(), &in->sin_addr) != 1)
      fail("invalid IP address: {}", binding.host_ip);
    length = sizeof(sockaddr_in);
  }
  UniqueFd fd(::socket(family, socket_type(binding.proto) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) fail_errno("socket");
  int one = 1;
  if (reuse_address) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (family == AF_INET6) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  std::string where = host_address(PortBinding{binding.host_ip, port, 0, binding.container_port, binding.proto});
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), length) != 0) fail("bind {}: {}", where, lower_error(errno));
  if (listening && binding.proto == "tcp" && ::listen(fd.get(), SOMAXCONN) != 0)
    fail("listen {}: {}", where, lower_error(errno));
  return fd;
}

uint16_t bound_port(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) fail_errno("getsockname");
  if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

}  // namespace kayak::network
