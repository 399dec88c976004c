// Receiving a file descriptor another process sent over a unix socket
// (SCM_RIGHTS, one byte of data), without waiting: the caller knows a
// message is there (or the peer has closed).
#pragma once

#include "kayak/util/fd.hpp"

namespace kayak {

// False on a receive error (errno set). Else true, with `fd` the
// descriptor received (close-on-exec), or invalid when the peer closed or
// sent none.
bool receive_fd(int socket, UniqueFd& fd);

}  // namespace kayak
