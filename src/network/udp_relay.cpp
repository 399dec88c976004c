#include "udp_relay.hpp"

#include "inside_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <time.h>

#include <cerrno>
#include <vector>

namespace kayak::network {

namespace {

// As long as a connection-less "flow" stays known; DNS-style request and
// reply exchanges fit many times over.
constexpr int64_t kIdleSeconds = 60;

int64_t monotonic_seconds() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec;
}

std::vector<char>& datagram_buffer() {
  static std::vector<char> buffer(65536);
  return buffer;
}

}  // namespace

class UdpSession : public EventHandler {
public:
  UdpSession(EventLoop& loop, int host_fd, UniqueFd inner, const sockaddr_storage& client, socklen_t length)
    : host_fd_(host_fd), inner_(std::move(inner)), client_(client), length_(length), watch_{this, inner_.get()} {
    loop.add(watch_, EPOLLIN);
    touch();
  }

  void send(const char* data, size_t size) {
    touch();
    // A full socket buffer or no listener yet (ECONNREFUSED from an earlier
    // datagram) loses this datagram, as UDP may.
    (void)::send(inner_.get(), data, size, MSG_DONTWAIT);
  }

  void on_event(int, uint32_t) override {
    auto& buffer = datagram_buffer();
    for (int i = 0; i < 64; ++i) {
      ssize_t n = ::recv(inner_.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        continue;  // ICMP errors surface here once each: not fatal
      }
      touch();
      (void)::sendto(host_fd_, buffer.data(), static_cast<size_t>(n), MSG_DONTWAIT,
                     reinterpret_cast<const sockaddr*>(&client_), length_);
    }
  }

  bool idle(int64_t now) const { return now - last_active_ > kIdleSeconds; }

private:
  void touch() { last_active_ = monotonic_seconds(); }

  int host_fd_;
  UniqueFd inner_;
  sockaddr_storage client_;
  socklen_t length_;
  Watch watch_;
  int64_t last_active_ = 0;
};

UdpRelay::UdpRelay(EventLoop& loop, UniqueFd host_socket, uint16_t container_port)
  : loop_(loop), fd_(std::move(host_socket)), container_port_(container_port), watch_{this, fd_.get()} {
  loop_.add(watch_, EPOLLIN);
}

UdpRelay::~UdpRelay() = default;

UdpSession* UdpRelay::session_for(const sockaddr_storage& client, socklen_t length) {
  std::string key(reinterpret_cast<const char*>(&client), length);
  auto it = sessions_.find(key);
  if (it != sessions_.end()) return it->second.get();
  UniqueFd inner = connect_inside(SOCK_DGRAM, container_port_);
  if (!inner) return nullptr;
  auto session = std::make_unique<UdpSession>(loop_, fd_.get(), std::move(inner), client, length);
  UdpSession* raw = session.get();
  sessions_.emplace(std::move(key), std::move(session));
  return raw;
}

void UdpRelay::on_event(int, uint32_t) {
  auto& buffer = datagram_buffer();
  for (int i = 0; i < 64; ++i) {
    sockaddr_storage client{};
    socklen_t length = sizeof client;
    ssize_t n = ::recvfrom(fd_.get(), buffer.data(), buffer.size(), MSG_DONTWAIT,
                           reinterpret_cast<sockaddr*>(&client), &length);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      continue;
    }
    if (UdpSession* session = session_for(client, length)) session->send(buffer.data(), static_cast<size_t>(n));
  }
}

void UdpRelay::sweep() {
  int64_t now = monotonic_seconds();
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (it->second->idle(now)) {
      it = sessions_.erase(it);  // closing its socket drops it from the epoll set
    } else {
      ++it;
    }
  }
}

}  // namespace kayak::network
