#include "kayak/util/fd_passing.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace kayak {

bool receive_fd(int socket, UniqueFd& fd) {
  char byte = 0;
  iovec data{&byte, 1};
  union {
    char buffer[CMSG_SPACE(sizeof(int))];
    cmsghdr align;
  } control{};
  msghdr message{};
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control.buffer;
  message.msg_controllen = sizeof control.buffer;
  ssize_t n;
  while ((n = ::recvmsg(socket, &message, MSG_DONTWAIT | MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
  }
  fd.reset();
  if (n < 0) return false;
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  if (n > 0 && header != nullptr && header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) {
    int received = -1;
    std::memcpy(&received, CMSG_DATA(header), sizeof received);
    fd.reset(received);
  }
  return true;
}

}  // namespace kayak
