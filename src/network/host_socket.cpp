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

// An address a user gave (-p IP:...), which parse_publish has checked.
sockaddr_storage address_or_fail(int family, const std::string& ip, uint16_t port) {
  auto address = ip_address(family, ip, port);
  if (!address) fail("invalid IP address: {}", ip);
  return *address;
}

// The [::] socket for 0.0.0.0 and [::] at once, or invalid when this host
// has no IPv6 (no AF_INET6 at all, or no [::] to bind to): then the caller
// binds 0.0.0.0 alone. Any other error is the port's, reported as 0.0.0.0's.
UniqueFd bind_dual_stack(int type, uint16_t port, bool reuse_address, int& error) {
  error = 0;
  UniqueFd fd(::socket(AF_INET6, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return fd;
  int zero = 0, one = 1;
  if (::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) != 0) return UniqueFd();
  if (reuse_address) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage any = address_or_fail(AF_INET6, "", port);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&any), address_length(any)) != 0) {
    if (errno == EADDRNOTAVAIL || errno == EAFNOSUPPORT) return UniqueFd();
    error = errno;
    return UniqueFd();
  }
  return fd;
}

}  // namespace

std::string socket_address(const PortBinding& binding, uint16_t port) {
  std::string ip = binding.host_ip.empty() ? "0.0.0.0" : binding.host_ip;
  if (ip.find(':') != std::string::npos) ip = "[" + ip + "]";
  return ip + ":" + std::to_string(port);
}

UniqueFd bind_host_socket(const PortBinding& binding, uint16_t port, bool listening, bool reuse_address) {
  const int type = socket_type(binding.proto);
  const std::string where = socket_address(binding, port);
  UniqueFd fd;
  if (binding.host_ip.empty()) {
    int error = 0;
    fd = bind_dual_stack(type, port, reuse_address, error);
    if (error != 0) fail("bind {}: {}", where, lower_error(error));
  }
  if (!fd) {
    const int family = binding.host_ip.find(':') != std::string::npos ? AF_INET6 : AF_INET;
    sockaddr_storage address = address_or_fail(family, binding.host_ip, port);
    fd.reset(::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) fail("bind {}: {}", where, lower_error(errno));
    int one = 1;
    if (reuse_address) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (family == AF_INET6) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), address_length(address)) != 0) fail("bind {}: {}", where, lower_error(errno));
  }
  if (listening && type == SOCK_STREAM && ::listen(fd.get(), SOMAXCONN) != 0)
    fail("listen {}: {}", where, lower_error(errno));
  return fd;
}

std::optional<sockaddr_storage> ip_address(int family, const std::string& ip, uint16_t port, bool loopback) {
  sockaddr_storage storage{};
  void* host = nullptr;
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    in->sin_addr.s_addr = htonl(loopback ? INADDR_LOOPBACK : INADDR_ANY);
    host = &in->sin_addr;
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    in6->sin6_addr = loopback ? in6addr_loopback : in6addr_any;
    host = &in6->sin6_addr;
  }
  if (!ip.empty() && ::inet_pton(family, ip.c_str(), host) != 1) return std::nullopt;
  return storage;
}

socklen_t address_length(const sockaddr_storage& address) {
  return address.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
}

uint16_t bound_port(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) fail_errno("getsockname");
  if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

}  // namespace kayak::network
