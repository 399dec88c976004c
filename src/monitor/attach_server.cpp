#include "attach_server.hpp"

#include "io.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/log.hpp"

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

namespace kayak::monitor {

namespace {

// A client that falls this far behind is dropped, so one stuck reader
// cannot make the monitor hold the container's output forever.
constexpr size_t kMaxClientBacklog = 8 << 20;

int64_t monotonic_ms() {
  struct timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace

void AttachServer::listen(const std::string& path) {
  if (path.empty()) return;
  path_ = path;
  listener_ = listen_unix(path);
}

void AttachServer::stop_listening() {
  if (!listener_) return;
  ::unlink(path_.c_str());
  listener_.reset();
}

void AttachServer::add_client(UniqueFd fd) {
  set_nonblocking(fd.get());
  auto client = std::make_unique<Client>();
  client->fd = std::move(fd);
  clients_.push_back(std::move(client));
}

void AttachServer::broadcast(std::string_view bytes) {
  for (auto& client : clients_) queue(*client, bytes);
}

void AttachServer::queue(Client& client, std::string_view bytes) {
  if (client.gone) return;
  client.outgoing.append(bytes);
  if (client.outgoing.size() > kMaxClientBacklog) {
    log::warn("attach client is too slow; disconnecting it");
    client.gone = true;
  }
}

void AttachServer::accept_clients() {
  for (;;) {
    int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;
    add_client(UniqueFd(fd));
  }
}

void AttachServer::read_client(Client& client) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(client.fd.get(), buf, sizeof buf);
    if (n > 0) {
      client.decoder.feed(std::string_view(buf, static_cast<size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    client.gone = true;  // detached (EOF) or broken
    break;
  }
  try {
    while (auto frame = client.decoder.next()) on_frame_(*frame);
  } catch (const Error& e) {
    log::warn("{}", e.what());
    client.gone = true;
  }
}

void AttachServer::drop_gone() {
  std::erase_if(clients_, [](const auto& c) { return c->gone; });
}

void AttachServer::watch(const Watch& watch) {
  drop_gone();
  if (listener_) watch(listener_.get(), POLLIN, [this](short) { accept_clients(); });
  for (auto& client : clients_) {
    Client* c = client.get();
    short events = POLLIN;
    if (!c->outgoing.empty()) events |= POLLOUT;
    watch(c->fd.get(), events, [this, c](short revents) {
      if (revents & POLLOUT && !write_some(c->fd.get(), c->outgoing)) c->gone = true;
      if (revents & (POLLIN | POLLHUP | POLLERR)) read_client(*c);
    });
  }
}

void AttachServer::flush_and_close(int timeout_ms) {
  int64_t deadline = monotonic_ms() + timeout_ms;
  for (;;) {
    drop_gone();
    std::vector<pollfd> fds;
    for (auto& client : clients_) {
      if (!client->outgoing.empty()) fds.push_back({client->fd.get(), POLLOUT, 0});
    }
    int64_t left = deadline - monotonic_ms();
    if (fds.empty() || left <= 0) break;
    ::poll(fds.data(), fds.size(), static_cast<int>(left));
    for (auto& client : clients_) {
      if (!client->outgoing.empty() && !write_some(client->fd.get(), client->outgoing)) client->gone = true;
    }
  }
  clients_.clear();
  stop_listening();
}

}  // namespace kayak::monitor
