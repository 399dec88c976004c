#include "bind_redirect.hpp"

#include "host_socket.hpp"
#include "inside_socket.hpp"

#include "kayak/util/fd_passing.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <string>

namespace kayak::network {

namespace {

// The address families a socket accepts clients on.
constexpr int kIPv4 = 1;
constexpr int kIPv6 = 2;

int families_of(int family, bool v6only) {
  if (family == AF_INET) return kIPv4;
  return v6only ? kIPv6 : kIPv4 | kIPv6;
}

int families_of_socket(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return 0;
  int v6only = 0;
  length = sizeof v6only;
  if (address.ss_family == AF_INET6) ::getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &length);
  return families_of(address.ss_family, v6only != 0);
}

int int_option(int fd, int level, int name) {
  int value = 0;
  socklen_t length = sizeof value;
  if (::getsockopt(fd, level, name, &value, &length) != 0) return -1;
  return value;
}

// binding.host_ip (with none: the wildcard, or the loopback address) as a
// `family` address on the host port; nothing when the IP is of the other
// family.
std::optional<sockaddr_storage> address_on_host(const PortBinding& binding, int family, bool loopback) {
  return ip_address(family, binding.host_ip, binding.host_port, loopback);
}

// A listening, non-blocking host socket on the binding's address.
UniqueFd listen_on_host(HostSocketMaker& host, const PortBinding& binding, int family, bool v6only) {
  auto address = address_on_host(binding, family, false);
  if (!address) return UniqueFd();
  UniqueFd fd = host.make(family, SOCK_STREAM | SOCK_NONBLOCK);
  if (!fd) return fd;
  int one = 1, v6 = v6only ? 1 : 0;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (family == AF_INET6) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &v6, sizeof v6);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&*address), address_length(*address)) != 0 ||
      ::listen(fd.get(), SOMAXCONN) != 0)
    return UniqueFd();
  return fd;
}

// The wildcard port a bind asks for: 0 for anything else (an address of
// its own, a family we do not serve, a short or unreadable address).
uint16_t wildcard_port(pid_t tid, uint64_t address, uint64_t length, int& family) {
  // A length the kernel refuses (EINVAL) is the kernel's to answer.
  if (length > sizeof(sockaddr_storage)) return 0;
  sockaddr_in6 storage{};
  size_t wanted = std::min<uint64_t>(length, sizeof storage);
  if (wanted < sizeof(sa_family_t)) return 0;
  iovec local{&storage, wanted};
  iovec remote{reinterpret_cast<void*>(address), wanted};
  if (::process_vm_readv(tid, &local, 1, &remote, 1, 0) != static_cast<ssize_t>(wanted)) return 0;
  family = storage.sin6_family;
  if (family == AF_INET && wanted >= sizeof(sockaddr_in)) {
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    return in->sin_addr.s_addr == htonl(INADDR_ANY) ? ntohs(in->sin_port) : 0;
  }
  if (family == AF_INET6 && wanted >= sizeof(sockaddr_in6))
    return IN6_IS_ADDR_UNSPECIFIED(&storage.sin6_addr) ? ntohs(storage.sin6_port) : 0;
  return 0;
}

// The thread's process (pidfd_open wants a process, not a thread).
pid_t process_of(pid_t tid) {
  std::ifstream status("/proc/" + std::to_string(tid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("Tgid:")) return static_cast<pid_t>(std::atoi(line.c_str() + 5));
  return 0;
}

// Whether the process's fd is close-on-exec (a per-fd flag the copy from
// pidfd_getfd does not carry).
bool close_on_exec(pid_t pid, int fd) {
  std::ifstream info("/proc/" + std::to_string(pid) + "/fdinfo/" + std::to_string(fd));
  std::string line;
  while (std::getline(info, line))
    if (line.starts_with("flags:")) return (std::strtoul(line.c_str() + 6, nullptr, 8) & O_CLOEXEC) != 0;
  return false;
}

// A copy of another process's fd (sharing its open file description).
UniqueFd copy_fd(pid_t pid, int fd) {
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd) return pidfd;
  return UniqueFd(static_cast<int>(::syscall(SYS_pidfd_getfd, pidfd.get(), fd, 0)));
}

}  // namespace

Connector connector_for(const TcpPort& port, HostSocketMaker* host) {
  if (port.server && host) {
    sockaddr_storage server = *port.server;
    return [host, server] { return connect_on_host(*host, server); };
  }
  uint16_t container_port = port.binding.container_port;
  return [container_port] { return connect_inside(SOCK_STREAM, container_port); };
}

BindRedirector::BindRedirector(EventLoop& loop, UniqueFd channel, std::vector<std::unique_ptr<TcpPort>>& ports,
                               HostSocketMaker& host)
  : loop_(loop), channel_(std::move(channel)), channel_watch_{this, channel_.get()}, ports_(ports), host_(host) {
  seccomp_notif_sizes sizes{};
  if (::syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) == 0) {
    request_size_ = std::max<size_t>(sizes.seccomp_notif, sizeof(seccomp_notif));
    response_size_ = std::max<size_t>(sizes.seccomp_notif_resp, sizeof(seccomp_notif_resp));
  }
  loop_.add(channel_watch_, EPOLLIN);
}

void BindRedirector::on_event(int fd, uint32_t events) {
  if (fd == channel_.get()) return receive_listener();
  if (events & EPOLLIN) return handle_notification();
  // EPOLLHUP: every process under the filter has gone.
  loop_.remove(listener_watch_);
  listener_.reset();
}

void BindRedirector::receive_listener() {
  UniqueFd received;
  if (!receive_fd(channel_.get(), received) && errno == EAGAIN) return;
  if (received && request_size_ != 0) {
    listener_ = std::move(received);
    listener_watch_ = Watch{this, listener_.get()};
    loop_.add(listener_watch_, EPOLLIN);
  }
  // One message per start; the init closes its end after it.
  loop_.remove(channel_watch_);
  channel_.reset();
}

void BindRedirector::respond(uint64_t id, int error, bool go_on) {
  std::vector<char> buffer(response_size_, 0);
  auto* response = reinterpret_cast<seccomp_notif_resp*>(buffer.data());
  response->id = id;
  response->error = go_on ? 0 : -error;
  response->val = 0;
  response->flags = go_on ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0;
  // ENOENT: the caller was interrupted or has died; nothing waits for us.
  (void)::ioctl(listener_.get(), SECCOMP_IOCTL_NOTIF_SEND, response);
}

void BindRedirector::handle_notification() {
  std::vector<char> buffer(request_size_, 0);
  auto* request = reinterpret_cast<seccomp_notif*>(buffer.data());
  if (::ioctl(listener_.get(), SECCOMP_IOCTL_NOTIF_RECV, request) != 0) return;  // gone already
  int result = -1;
  int family = 0;
  const pid_t tid = static_cast<pid_t>(request->pid);
  const int fd = static_cast<int>(request->data.args[0]);
  uint16_t port = request->data.nr == __NR_bind
                    ? wildcard_port(tid, request->data.args[1], request->data.args[2], family)
                    : 0;
  // The one published TCP port with this container port (two host ports
  // for one container port cannot both be the server's socket).
  TcpPort* match = nullptr;
  int matches = 0;
  for (auto& candidate : ports_) {
    if (port != 0 && candidate->binding.container_port == port) {
      match = candidate.get();
      ++matches;
    }
  }
  // The address read is the caller's still: its bind is still waiting.
  if (matches == 1 && ::ioctl(listener_.get(), SECCOMP_IOCTL_NOTIF_ID_VALID, &request->id) == 0) {
    const pid_t pid = process_of(tid);
    UniqueFd copy = copy_fd(pid, fd);
    if (copy && int_option(copy.get(), SOL_SOCKET, SO_TYPE) == SOCK_STREAM &&
        int_option(copy.get(), SOL_SOCKET, SO_PROTOCOL) == IPPROTO_TCP &&
        int_option(copy.get(), SOL_SOCKET, SO_DOMAIN) == family) {
      bool v6only = family == AF_INET6 && int_option(copy.get(), IPPROTO_IPV6, IPV6_V6ONLY) == 1;
      // Out of memory or fds on the way: the bind goes on to the kernel
      // rather than the forwarder (and every published port) ending.
      try {
        result = hand_over(*match, *request, pid, copy.get(), family, v6only);
      } catch (const std::exception&) {
        result = -1;
      }
    }
  }
  if (result == 0) return;  // answered by hand_over
  respond(request->id, result, result < 0);
}

int BindRedirector::hand_over(TcpPort& port, const seccomp_notif& request, pid_t pid, int server_copy, int family,
                              bool v6only) {
  auto address = address_on_host(port.binding, family, false);
  if (!address) return -1;  // -p 127.0.0.1:P:80 and a server on [::]:80: relayed
  UniqueFd socket = host_.make(family, SOCK_STREAM);
  if (!socket) return -1;
  for (int option : {SO_REUSEADDR, SO_REUSEPORT}) {
    int value = int_option(server_copy, SOL_SOCKET, option);
    if (value > 0) ::setsockopt(socket.get(), SOL_SOCKET, option, &value, sizeof value);
  }
  if (family == AF_INET6) {
    int value = v6only ? 1 : 0;
    ::setsockopt(socket.get(), IPPROTO_IPV6, IPV6_V6ONLY, &value, sizeof value);
  }

  // Our listeners on the families it takes let go of the port, their
  // queued clients kept for the server; those on others stay.
  const int wanted = families_of(family, v6only);
  int released = 0;
  std::vector<UniqueFd> queued;
  for (auto it = port.host_listeners.begin(); it != port.host_listeners.end();) {
    int families = families_of_socket((*it)->fd());
    if ((families & wanted) == 0) {
      ++it;
      continue;
    }
    released |= families;
    for (auto& client : (*it)->take_queued()) queued.push_back(std::move(client));
    it = port.host_listeners.erase(it);
  }

  const int fd = static_cast<int>(request.data.args[0]);
  int error = 0;
  if (::bind(socket.get(), reinterpret_cast<sockaddr*>(&*address), address_length(*address)) != 0 ||
      ::listen(socket.get(), SOMAXCONN) != 0) {
    error = errno;
  } else {
    // Listening already, so it can only accept: the server's own listen()
    // just sets its backlog. Its file flags (O_NONBLOCK) as it made them.
    int flags = ::fcntl(server_copy, F_GETFL);
    if (flags >= 0) ::fcntl(socket.get(), F_SETFL, flags);
    seccomp_notif_addfd add{};
    add.id = request.id;
    add.flags = SECCOMP_ADDFD_FLAG_SETFD;
    add.srcfd = static_cast<uint32_t>(socket.get());
    add.newfd = static_cast<uint32_t>(fd);
    add.newfd_flags = close_on_exec(pid, fd) ? O_CLOEXEC : 0;
    if (::ioctl(listener_.get(), SECCOMP_IOCTL_NOTIF_ADDFD, &add) < 0) error = errno;
  }
  if (error != 0) {
    // The port back to the forwarder, as before.
    socket.reset();
    add_host_listeners(port, released);
    Connector connect = connector_for(port, &host_);
    for (auto& client : queued) start_tcp_relay(loop_, std::move(client), connect());
    // ENOENT: the caller is gone; else its bind fails as the kernel said.
    return error == ENOENT ? -1 : error;
  }
  respond(request.id, 0, false);
  socket.reset();  // the server's now

  if (!port.server) port.server = address_on_host(port.binding, family, true);
  Connector connect = connector_for(port, &host_);
  for (auto& listener : port.host_listeners) listener->retarget(connect);
  add_host_listeners(port, released & ~wanted);
  for (auto& client : queued) start_tcp_relay(loop_, std::move(client), connect());
  if (!port.inside) open_inside_listener(port);
  return 0;
}

void BindRedirector::add_host_listeners(TcpPort& port, int families) {
  auto add = [&](int family, bool v6only) {
    if (UniqueFd fd = listen_on_host(host_, port.binding, family, v6only))
      port.host_listeners.push_back(std::make_unique<TcpListener>(loop_, std::move(fd), connector_for(port, &host_)));
  };
  if (families == (kIPv4 | kIPv6) && port.binding.host_ip.empty()) return add(AF_INET6, false);
  if (families & kIPv4) add(AF_INET, false);
  if (families & kIPv6) add(AF_INET6, true);
}

// In the container's namespace (this thread's): [::]:CTR for both
// families, else (no IPv6 there) 0.0.0.0:CTR. Left out when something there
// holds CTR already.
void BindRedirector::open_inside_listener(TcpPort& port) {
  for (int family : {AF_INET6, AF_INET}) {
    sockaddr_storage address = *ip_address(family, "", port.binding.container_port);
    UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) continue;
    int one = 1, zero = 0;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (family == AF_INET6) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), address_length(address)) != 0) {
      if (errno == EADDRINUSE) return;
      continue;
    }
    if (::listen(fd.get(), SOMAXCONN) != 0) return;
    port.inside = std::make_unique<TcpListener>(loop_, std::move(fd), connector_for(port, &host_));
    return;
  }
}

}  // namespace kayak::network
