#include "host_socket_maker.hpp"

#include "host_socket.hpp"

#include "kayak/util/error.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

namespace kayak::network {

namespace {

struct Request {
  int family;
  int type;
};

// The thread's whole life: one reply (an fd number, or -errno) per request.
void serve(int channel) {
  Request request{};
  while (::read(channel, &request, sizeof request) == static_cast<ssize_t>(sizeof request)) {
    int fd = ::socket(request.family, request.type | SOCK_CLOEXEC, 0);
    int reply = fd >= 0 ? fd : -errno;
    if (::write(channel, &reply, sizeof reply) != static_cast<ssize_t>(sizeof reply)) {
      if (fd >= 0) ::close(fd);
      return;
    }
  }
}

}  // namespace

HostSocketMaker::HostSocketMaker() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) fail_errno("socketpair");
  channel_.reset(fds[0]);
  std::thread(serve, fds[1]).detach();
}

UniqueFd HostSocketMaker::make(int family, int type) {
  Request request{family, type};
  int reply = -EIO;
  if (::write(channel_.get(), &request, sizeof request) != static_cast<ssize_t>(sizeof request) ||
      ::read(channel_.get(), &reply, sizeof reply) != static_cast<ssize_t>(sizeof reply)) {
    reply = -EIO;
  }
  if (reply < 0) {
    errno = -reply;
    return UniqueFd();
  }
  return UniqueFd(reply);
}

UniqueFd connect_on_host(HostSocketMaker& maker, const sockaddr_storage& address) {
  UniqueFd fd = maker.make(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK);
  if (!fd) return fd;
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), address_length(address)) != 0 &&
      errno != EINPROGRESS)
    return UniqueFd();
  return fd;
}

}  // namespace kayak::network
