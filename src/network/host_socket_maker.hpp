// Sockets in the host's network namespace for a forwarder that has joined
// the container's. A socket belongs to the namespace of the thread that
// made it, and the forwarder cannot join the host's namespace again (it
// has no privilege over it), so one thread is made before the join and
// stays behind: it only calls socket(2), and the fd it makes is the whole
// process's. Used on rare paths only (a port handed to the container's
// server, a client that reaches it through the forwarder): each socket
// costs a round trip to that thread.
#pragma once

#include "kayak/util/fd.hpp"

#include <sys/socket.h>

namespace kayak::network {

class HostSocketMaker {
public:
  // Call while this thread is still in the host's network namespace.
  HostSocketMaker();
  HostSocketMaker(const HostSocketMaker&) = delete;
  HostSocketMaker& operator=(const HostSocketMaker&) = delete;

  // socket(family, type | SOCK_CLOEXEC, 0) in the host's namespace; type
  // may carry SOCK_NONBLOCK. Invalid (errno set) on failure.
  UniqueFd make(int family, int type);

private:
  UniqueFd channel_;  // ours; the thread holds the other end for ever
};

// A non-blocking socket made by `maker` whose connect to address (in the
// host's namespace) is under way, or invalid.
UniqueFd connect_on_host(HostSocketMaker& maker, const sockaddr_storage& address);

}  // namespace kayak::network
