#include "event_loop.hpp"

#include "kayak/util/error.hpp"

#include <time.h>

#include <algorithm>
#include <cerrno>

namespace kayak::network {

namespace {

int64_t monotonic_ms() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

epoll_event event_for(Watch& watch, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = &watch;
  return ev;
}

}  // namespace

EventLoop::EventLoop() : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (!epoll_) fail_errno("epoll_create1");
}

void EventLoop::add(Watch& watch, uint32_t events) {
  epoll_event ev = event_for(watch, events);
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, watch.fd, &ev) != 0) fail_errno("epoll_ctl add");
}

void EventLoop::remove(Watch& watch) { ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, watch.fd, nullptr); }

void EventLoop::retire(std::unique_ptr<EventHandler> handler) { retired_.push_back(std::move(handler)); }

void EventLoop::every_second(std::function<void()> tick) { ticks_.push_back(std::move(tick)); }

void EventLoop::run() {
  epoll_event events[64];
  int64_t next_tick = monotonic_ms() + 1000;
  for (;;) {
    int timeout = static_cast<int>(std::max<int64_t>(0, next_tick - monotonic_ms()));
    int n = ::epoll_wait(epoll_.get(), events, 64, ticks_.empty() ? -1 : timeout);
    if (n < 0 && errno != EINTR) fail_errno("epoll_wait");
    for (int i = 0; i < n; ++i) {
      auto* watch = static_cast<Watch*>(events[i].data.ptr);
      watch->handler->on_event(watch->fd, events[i].events);
    }
    retired_.clear();
    if (monotonic_ms() >= next_tick) {
      for (auto& tick : ticks_) tick();
      retired_.clear();
      next_tick = monotonic_ms() + 1000;
    }
  }
}

}  // namespace kayak::network
