#include "tcp_relay.hpp"

#include "kayak/util/error.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>

namespace kayak::network {

namespace {

// Bytes a direction's pipe holds at most. 256 KiB keeps a fast sender busy
// between wake-ups; larger pipes count against the user's pipe-buffer
// limit (fs.pipe-user-pages-soft) and many connections would exhaust it.
constexpr size_t kPipeBytes = 256 * 1024;

// One direction of a connection: from -> pipe -> to.
struct Direction {
  int from = -1;
  int to = -1;
  UniqueFd pipe_read, pipe_write;
  size_t buffered = 0;
  size_t capacity = 64 * 1024;
  bool eof = false;       // `from` has ended
  bool shut = false;      // and `to` has been told (shutdown SHUT_WR)

  void open_pipe() {
    int fds[2];
    if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) fail_errno("pipe");
    pipe_read.reset(fds[0]);
    pipe_write.reset(fds[1]);
    int size = ::fcntl(fds[1], F_SETPIPE_SZ, static_cast<int>(kPipeBytes));
    if (size > 0) capacity = static_cast<size_t>(size);
  }

  // Moves what can move now; false on an error that ends the connection.
  bool pump() {
    for (;;) {
      bool progress = false;
      if (!eof && buffered < capacity) {
        ssize_t n = ::splice(from, nullptr, pipe_write.get(), nullptr, capacity - buffered,
                             SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n > 0) {
          buffered += static_cast<size_t>(n);
          progress = true;
        } else if (n == 0) {
          eof = true;
          progress = true;
        } else if (errno != EAGAIN && errno != EINTR) {
          return false;
        }
      }
      if (buffered > 0) {
        ssize_t n = ::splice(pipe_read.get(), nullptr, to, nullptr, buffered, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n > 0) {
          buffered -= static_cast<size_t>(n);
          progress = true;
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
          return false;
        }
      }
      if (!progress) break;
    }
    if (eof && buffered == 0 && !shut) {
      // The peer of `to` reads the end of the stream but may still answer.
      ::shutdown(to, SHUT_WR);
      shut = true;
    }
    return true;
  }

  bool wants_read() const { return !eof && buffered < capacity; }
  bool wants_write() const { return buffered > 0; }
};

class TcpConnection : public EventHandler {
public:
  TcpConnection(EventLoop& loop, UniqueFd client, UniqueFd server)
    : loop_(loop), client_(std::move(client)), server_(std::move(server)) {
    client_watch_ = Watch{this, client_.get()};
    server_watch_ = Watch{this, server_.get()};
    // Until the connect completes only errors on the client matter.
    loop_.add(client_watch_, 0);
    loop_.add(server_watch_, EPOLLOUT);
  }

  void on_event(int fd, uint32_t events) override {
    if (closed_) return;
    if (connecting_) {
      if (fd == client_.get()) return abort();  // the client gave up first
      int error = 0;
      socklen_t length = sizeof error;
      ::getsockopt(server_.get(), SOL_SOCKET, SO_ERROR, &error, &length);
      if (error != 0 || (events & (EPOLLERR | EPOLLHUP))) return abort();
      connecting_ = false;
      start_relaying();
    }
    bool ok = up_.pump() && down_.pump();
    // An error, or a hang-up on a socket we have not finished writing to,
    // is a reset: nothing more can be delivered.
    bool writes_pending = fd == client_.get() ? !down_.shut : !up_.shut;
    if (!ok || (events & EPOLLERR) || ((events & EPOLLHUP) && writes_pending)) return abort();
    if (up_.shut && down_.shut) return close();
    update_interest();
  }

private:
  void start_relaying() {
    up_.from = client_.get();
    up_.to = server_.get();
    down_.from = server_.get();
    down_.to = client_.get();
    try {
      up_.open_pipe();
      down_.open_pipe();
    } catch (const Error&) {
      abort();
      return;
    }
    int one = 1;
    ::setsockopt(server_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(client_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }

  void update_interest() {
    uint32_t client = (up_.wants_read() ? EPOLLIN : 0u) | (down_.wants_write() ? EPOLLOUT : 0u);
    uint32_t server = (down_.wants_read() ? EPOLLIN : 0u) | (up_.wants_write() ? EPOLLOUT : 0u);
    if (client != client_events_ || first_update_) loop_.modify(client_watch_, client_events_ = client);
    if (server != server_events_ || first_update_) loop_.modify(server_watch_, server_events_ = server);
    first_update_ = false;
  }

  // Ends both sides with a reset, so neither mistakes it for a clean end.
  void abort() {
    linger hard{1, 0};
    ::setsockopt(client_.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    ::setsockopt(server_.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    close();
  }

  void close() {
    closed_ = true;
    // Closing the fds drops them from the epoll set.
    client_.reset();
    server_.reset();
    up_.pipe_read.reset();
    up_.pipe_write.reset();
    down_.pipe_read.reset();
    down_.pipe_write.reset();
    loop_.retire(std::unique_ptr<EventHandler>(this));
  }

  EventLoop& loop_;
  UniqueFd client_, server_;
  Watch client_watch_, server_watch_;
  Direction up_, down_;  // client -> server, server -> client
  uint32_t client_events_ = 0, server_events_ = 0;
  bool connecting_ = true;
  bool first_update_ = true;
  bool closed_ = false;
};

UniqueFd connect_inside(uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return fd;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 && errno != EINPROGRESS)
    return UniqueFd();
  return fd;
}

}  // namespace

TcpListener::TcpListener(EventLoop& loop, UniqueFd listener, uint16_t container_port)
  : loop_(loop), fd_(std::move(listener)), container_port_(container_port), watch_{this, fd_.get()} {
  loop_.add(watch_, EPOLLIN);
}

void TcpListener::on_event(int, uint32_t) {
  // A bounded batch, so one busy port does not starve the others.
  for (int i = 0; i < 64; ++i) {
    UniqueFd client(::accept4(fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!client) return;  // EAGAIN, or out of fds: the backlog waits for a close
    UniqueFd server = connect_inside(container_port_);
    if (!server) {
      linger hard{1, 0};
      ::setsockopt(client.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
      continue;
    }
    // Owned by itself from here: it retires itself when both sides are done.
    new TcpConnection(loop_, std::move(client), std::move(server));
  }
}

}  // namespace kayak::network
