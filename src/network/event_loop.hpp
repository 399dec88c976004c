// The forwarder's single-threaded epoll loop. Handlers are registered per
// fd (one handler may own several fds); a handler that finishes mid-batch
// is retired, not deleted, so later events of the same batch never touch
// freed memory.
#pragma once

#include "kayak/util/fd.hpp"

#include <sys/epoll.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace kayak::network {

class EventHandler {
public:
  virtual ~EventHandler() = default;
  // fd is the descriptor the events are for.
  virtual void on_event(int fd, uint32_t events) = 0;
};

// One registered fd and the handler its events go to; owned by the
// handler, so it lives exactly as long as the handler does.
struct Watch {
  EventHandler* handler = nullptr;
  int fd = -1;
};

class EventLoop {
public:
  EventLoop();
  // Interest in events, as epoll_ctl takes them: level-triggered unless
  // EPOLLET is among them (0: errors and hang-ups only).
  void add(Watch& watch, uint32_t events);
  void remove(Watch& watch);
  // Deleted once the current batch of events is handled.
  void retire(std::unique_ptr<EventHandler> handler);
  // Called about once a second (idle sweeps).
  void every_second(std::function<void()> tick);
  [[noreturn]] void run();

private:
  UniqueFd epoll_;
  std::vector<std::unique_ptr<EventHandler>> retired_;
  std::vector<std::function<void()>> ticks_;
};

}  // namespace kayak::network
