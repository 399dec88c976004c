#include "kayak/util/sd_notify.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace kayak::sdnotify {

std::string socket_from_env() {
  const char* value = std::getenv("NOTIFY_SOCKET");
  return value ? value : "";
}

void send(const std::string& socket, const std::string& message) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket.empty() || socket.size() >= sizeof address.sun_path)
    fail("NOTIFY_SOCKET \"{}\" is not a usable socket address", socket);
  std::memcpy(address.sun_path, socket.data(), socket.size());
  // "@name": the abstract namespace, whose names start with a NUL byte.
  if (address.sun_path[0] == '@') address.sun_path[0] = '\0';
  auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket.size());
  UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd) fail_errno("notify systemd: socket");
  ssize_t sent = ::sendto(fd.get(), message.data(), message.size(), MSG_NOSIGNAL,
                          reinterpret_cast<const sockaddr*>(&address), length);
  if (sent < 0) fail_errno("notify systemd through {}", socket);
}

}  // namespace kayak::sdnotify
