#include "inside_socket.hpp"

#include "host_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

namespace kayak::network {

UniqueFd connect_inside(int type, uint16_t port) {
  UniqueFd fd(::socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return fd;
  sockaddr_storage address = *ip_address(AF_INET, "", port, true);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), address_length(address)) != 0 && errno != EINPROGRESS)
    return UniqueFd();
  return fd;
}

}  // namespace kayak::network
