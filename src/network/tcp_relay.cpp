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

// One direction of a connection: from -> pipe -> to. Its sockets are
// registered edge-triggered, so it remembers what the last events said:
// `from` may have data until a read finds none, `to` may take more until a
// write would block; a new edge sets the flag again. A direction with
// nothing to do costs no system call.
struct Direction {
  int from = -1;
  int to = -1;
  UniqueFd pipe_read, pipe_write;
  size_t buffered = 0;
  size_t capacity = 64 * 1024;
  bool readable = true;   // `from` may have data (or its end) to read
  bool writable = true;   // `to` may take more
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

  // Moves what can move now, until both ends would block: with edge
  // triggering nothing reminds us of data left behind. False on an error
  // that ends the connection.
  bool pump() {
    for (;;) {
      bool progress = false;
      if (readable && !eof && buffered < capacity) {
        ssize_t n = ::splice(from, nullptr, pipe_write.get(), nullptr, capacity - buffered,
                             SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n > 0) {
          buffered += static_cast<size_t>(n);
          progress = true;
        } else if (n == 0) {
          eof = true;
          progress = true;
        } else if (errno == EAGAIN) {
          // From an empty pipe it is the socket that has nothing; else the
          // pipe may be out of slots, and the next write frees some.
          if (buffered == 0) readable = false;
        } else if (errno != EINTR) {
          return false;
        }
      }
      if (buffered > 0 && writable) {
        ssize_t n = ::splice(pipe_read.get(), nullptr, to, nullptr, buffered, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n > 0) {
          buffered -= static_cast<size_t>(n);
          progress = true;
        } else if (n < 0 && errno == EAGAIN) {
          writable = false;
        } else if (n < 0 && errno != EINTR) {
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
};

// Both sockets are registered once, for everything, edge-triggered: the
// interest never changes, so no epoll_ctl follows the traffic, and an event
// pumps only the directions it can move. Measured (strace -c on kayak-ports,
// wrk -t2 -c32 against nginx): 6.1 system calls per request, against 6.6-7.8
// level-triggered (fewer splices that find nothing to read).
constexpr uint32_t kEdgeEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;

class TcpConnection : public EventHandler {
public:
  TcpConnection(EventLoop& loop, UniqueFd client, UniqueFd server)
    : loop_(loop), client_(std::move(client)), server_(std::move(server)) {
    client_watch_ = Watch{this, client_.get()};
    server_watch_ = Watch{this, server_.get()};
    // The server's first EPOLLOUT is the end of the connect.
    loop_.add(client_watch_, kEdgeEvents);
    loop_.add(server_watch_, kEdgeEvents);
  }

  void on_event(int fd, uint32_t events) override {
    if (closed_) return;
    const bool from_client = fd == client_.get();
    if (connecting_) {
      // The client's data waits in its socket (relaying reads it first);
      // only its giving up matters yet.
      if (from_client) {
        if (events & (EPOLLERR | EPOLLHUP)) abort();
        return;
      }
      int error = 0;
      socklen_t length = sizeof error;
      ::getsockopt(server_.get(), SOL_SOCKET, SO_ERROR, &error, &length);
      if (error != 0 || (events & (EPOLLERR | EPOLLHUP))) return abort();
      connecting_ = false;
      if (!start_relaying()) return;
    }
    Direction& reading = from_client ? up_ : down_;  // fd is its `from`
    Direction& writing = from_client ? down_ : up_;  // fd is its `to`
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) reading.readable = true;
    if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) writing.writable = true;
    bool ok = up_.pump() && down_.pump();
    // An error, or a hang-up on a socket we have not finished writing to,
    // is a reset: nothing more can be delivered.
    if (!ok || (events & EPOLLERR) || ((events & EPOLLHUP) && !writing.shut)) return abort();
    if (up_.shut && down_.shut) close();
  }

private:
  bool start_relaying() {
    up_.from = client_.get();
    up_.to = server_.get();
    down_.from = server_.get();
    down_.to = client_.get();
    try {
      up_.open_pipe();
      down_.open_pipe();
    } catch (const Error&) {
      abort();
      return false;
    }
    int one = 1;
    ::setsockopt(server_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(client_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return true;
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
  bool connecting_ = true;
  bool closed_ = false;
};

}  // namespace

void start_tcp_relay(EventLoop& loop, UniqueFd client, UniqueFd server) {
  if (!server) {
    linger hard{1, 0};
    ::setsockopt(client.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    return;
  }
  // Owned by itself from here: it retires itself when both sides are done.
  new TcpConnection(loop, std::move(client), std::move(server));
}

TcpListener::TcpListener(EventLoop& loop, UniqueFd listener, Connector connect)
  : loop_(loop), fd_(std::move(listener)), connect_(std::move(connect)), watch_{this, fd_.get()} {
  loop_.add(watch_, EPOLLIN);
}

void TcpListener::on_event(int, uint32_t) {
  // A bounded batch, so one busy port does not starve the others.
  for (int i = 0; i < 64; ++i) {
    UniqueFd client(::accept4(fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!client) return;  // EAGAIN, or out of fds: the backlog waits for a close
    start_tcp_relay(loop_, std::move(client), connect_());
  }
}

std::vector<UniqueFd> TcpListener::take_queued() {
  std::vector<UniqueFd> queued;
  for (;;) {
    UniqueFd client(::accept4(fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!client) return queued;
    queued.push_back(std::move(client));
  }
}

}  // namespace kayak::network
