#include "kayak/monitor/monitor.hpp"

#include "attach_server.hpp"
#include "io.hpp"
#include "kayak/monitor/attach_protocol.hpp"
#include "kayak/monitor/log_file.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/time.hpp"
#include "kayak/monitor/signal_pipe.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

namespace kayak::monitor {

namespace {

constexpr size_t kReadChunk = 65536;
// After the init exits, output still in the pipes is drained for at most
// this long (the pid namespace is gone, so writers vanish at once).
constexpr int64_t kDrainLimitNs = 2'000'000'000;
// How long exit frames may take to reach slow clients.
constexpr int kClientFlushMs = 5000;

const std::vector<int> kProxiedSignals = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

int64_t monotonic_ms() {
  struct timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

}  // namespace

void become_subreaper() {
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) fail_errno("prctl PR_SET_CHILD_SUBREAPER");
}

struct Monitor::Impl {
  MonitorOptions options;
  Launcher launcher;
  MonitorEvents& events;

  std::optional<SignalPipe> signals;
  std::optional<LogWriter> log;
  std::optional<JournalWriter> journal;
  AttachServer attach{[this](const Frame& frame) { handle_frame(frame); }};

  // The current run of the container.
  runtime::Launched launched;
  UniqueFd out_read, err_read;  // pipes (no tty)
  UniqueFd in_write;            // pipe to stdin (no tty, -i)
  UniqueFd pty;                 // the pty master (tty): output and input
  std::string stdin_pending;
  bool stdin_close_pending = false;
  bool local_in_open = false;
  bool local_out_open = true;
  std::optional<int> exit_code;  // the init has been reaped
  int64_t exited_at_ns = 0;
  int64_t restart_at_ms = -1;    // a restart is waiting for its delay
  int64_t kill_at_ms = -1;       // a stop (stop_on_term) kills at this time
  bool finished = false;
  int last_exit_code = 0;

  Impl(MonitorOptions o, Launcher l, MonitorEvents& e)
    : options(std::move(o)), launcher(std::move(l)), events(e) {}

  bool running() const { return launched.pid > 0 && !exit_code; }

  void launch() {
    runtime::Stdio stdio;
    UniqueFd in_read, out_write, err_write;
    if (!options.tty) {
      if (options.open_stdin) {
        auto [r, w] = make_pipe();
        in_read = std::move(r);
        in_write = std::move(w);
        set_nonblocking(in_write.get());
        stdio.in = in_read.get();
      }
      auto [or_, ow] = make_pipe();
      auto [er, ew] = make_pipe();
      out_read = std::move(or_);
      out_write = std::move(ow);
      err_read = std::move(er);
      err_write = std::move(ew);
      set_nonblocking(out_read.get());
      set_nonblocking(err_read.get());
      stdio.out = out_write.get();
      stdio.err = err_write.get();
    }
    launched = launcher(stdio);
    // Our copies of the container's ends go, so EOF comes when it closes them.
    in_read.reset();
    out_write.reset();
    err_write.reset();
    if (options.tty) {
      pty = std::move(launched.pty_master);
      if (!pty) fail("the runtime returned no pty for a tty container");
      set_nonblocking(pty.get());
      copy_window_size();
    }
    exit_code.reset();
    events.started(launched);
  }

  void copy_window_size() {
    if (!pty || !options.local || options.local->terminal < 0) return;
    struct winsize ws {};
    if (::ioctl(options.local->terminal, TIOCGWINSZ, &ws) == 0) ::ioctl(pty.get(), TIOCSWINSZ, &ws);
  }

  void forward_signal(int signo) {
    if (running()) send_signal(launched.pidfd.get(), launched.pid, signo);
  }

  // ---- output ------------------------------------------------------------

  void deliver(LogStream stream, std::string_view data) {
    int64_t now = timeutil::now_ns();
    if (log) {
      try {
        log->write(stream, data, now);
      } catch (const Error& e) {
        // A full disk must not stop the container; say it once.
        log::warn("container log: {}; logging stops", e.what());
        log.reset();
      }
    }
    if (journal) journal->write(stream, data);
    if (options.local && local_out_open) {
      int fd = stream == LogStream::Stderr && options.local->err >= 0 ? options.local->err : options.local->out;
      if (fd >= 0 && !write_fully(fd, data)) local_out_open = false;
    }
    attach.broadcast(encode_frame(stream == LogStream::Stdout ? FrameType::Stdout : FrameType::Stderr, data));
  }

  // Reads what one output fd has; false at EOF (or EIO: the pty's last
  // slave closed).
  bool read_output(UniqueFd& fd, LogStream stream) {
    char buf[kReadChunk];
    for (;;) {
      ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n > 0) {
        deliver(stream, std::string_view(buf, static_cast<size_t>(n)));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return true;
      return false;
    }
  }

  // ---- input -------------------------------------------------------------

  int stdin_fd() const { return options.tty ? pty.get() : in_write.get(); }

  void add_stdin(std::string_view data) {
    if (!options.open_stdin || stdin_close_pending) return;
    stdin_pending.append(data);
  }

  void flush_stdin() {
    int fd = stdin_fd();
    if (fd < 0) {
      stdin_pending.clear();
      return;
    }
    if (!write_some(fd, stdin_pending)) {
      stdin_pending.clear();
      if (!options.tty) in_write.reset();
      return;
    }
    if (stdin_pending.empty() && stdin_close_pending) {
      if (options.tty) {
        // The pty has no half-close: end-of-file is the VEOF character.
        std::string eof = "\x04";
        write_some(fd, eof);
      } else {
        in_write.reset();
      }
      stdin_close_pending = false;
      options.open_stdin = false;
    }
  }

  void close_stdin() {
    if (options.open_stdin) stdin_close_pending = true;
  }

  // ---- attach clients -----------------------------------------------------

  void handle_frame(const Frame& frame) {
    switch (frame.type) {
      case FrameType::Stdin: add_stdin(frame.payload); break;
      case FrameType::CloseStdin: close_stdin(); break;
      case FrameType::Resize:
        if (auto size = decode_resize(frame.payload); size && pty) {
          struct winsize ws {};
          ws.ws_row = size->first;
          ws.ws_col = size->second;
          ::ioctl(pty.get(), TIOCSWINSZ, &ws);
        }
        break;
      case FrameType::Signal:
        if (auto signo = decode_int(frame.payload); signo && *signo > 0 && *signo < 65) forward_signal(*signo);
        break;
      default: break;  // monitor-to-client types from a client: ignored
    }
  }

  // ---- children -----------------------------------------------------------

  void reap() {
    for (;;) {
      int status = 0;
      pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid <= 0) return;
      if (pid == launched.pid && !exit_code) {
        exit_code = exit_code_of(status);
        exited_at_ns = timeutil::now_ns();
      }
    }
  }

  void on_signal(int signo) {
    if (signo == SIGCHLD) {
      reap();
    } else if (signo == SIGWINCH) {
      copy_window_size();
    } else if (signo == SIGTERM && options.stop_on_term) {
      stop_by_term();
    } else {
      forward_signal(signo);
    }
  }

  void stop_by_term() {
    const auto& stop = *options.stop_on_term;
    if (stop.on_stop) stop.on_stop();
    // A restart waiting for its delay does not happen.
    restart_at_ms = -1;
    if (!running()) return;
    forward_signal(stop.signal);
    if (kill_at_ms < 0) kill_at_ms = monotonic_ms() + stop.timeout_ms;
  }

  // ---- the run's end ------------------------------------------------------

  bool outputs_open() const { return out_read || err_read || pty; }

  void end_of_run() {
    // The socket goes before the exit is recorded: once it is, a new
    // monitor may start and listen at the same path. Connected clients stay.
    attach.stop_listening();
    out_read.reset();
    err_read.reset();
    in_write.reset();
    pty.reset();
    launched = runtime::Launched{};
    stdin_pending.clear();
    last_exit_code = *exit_code;
    int delay = events.exited(*exit_code);
    if (delay < 0) {
      finished = true;
    } else {
      restart_at_ms = monotonic_ms() + delay;
    }
  }

  void restart() {
    restart_at_ms = -1;
    if (!events.may_restart()) {
      finished = true;
      return;
    }
    try {
      attach.listen(options.attach_socket);
      launch();
    } catch (const Error& e) {
      events.restart_failed(e.what());
      finished = true;
    }
  }

  void say_goodbye() {
    attach.broadcast(encode_int(FrameType::Exit, last_exit_code));
    attach.flush_and_close(kClientFlushMs);
  }

  // ---- the loop -----------------------------------------------------------

  int loop() {
    while (!finished) {
      std::vector<pollfd> fds;
      std::vector<std::function<void(short)>> handlers;
      auto watch = [&](int fd, short events_mask, std::function<void(short)> handler) {
        if (fd < 0) return;
        fds.push_back({fd, events_mask, 0});
        handlers.push_back(std::move(handler));
      };

      watch(signals->fd(), POLLIN, [&](short) {
        for (int signo : signals->drain()) on_signal(signo);
      });
      if (launched.pidfd && !exit_code) watch(launched.pidfd.get(), POLLIN, [&](short) { reap(); });
      if (out_read) {
        watch(out_read.get(), POLLIN, [&](short) {
          if (!read_output(out_read, LogStream::Stdout)) out_read.reset();
        });
      }
      if (err_read) {
        watch(err_read.get(), POLLIN, [&](short) {
          if (!read_output(err_read, LogStream::Stderr)) err_read.reset();
        });
      }
      if (pty) {
        short mask = POLLIN;
        if (!stdin_pending.empty() || stdin_close_pending) mask |= POLLOUT;
        watch(pty.get(), mask, [&](short revents) {
          if (revents & POLLOUT) flush_stdin();
          if ((revents & (POLLIN | POLLHUP | POLLERR)) && !read_output(pty, LogStream::Stdout)) pty.reset();
        });
      }
      if (in_write && (!stdin_pending.empty() || stdin_close_pending)) {
        watch(in_write.get(), POLLOUT, [&](short) { flush_stdin(); });
      }
      if (options.local && local_in_open && options.open_stdin && !stdin_close_pending &&
          stdin_pending.size() < kReadChunk) {
        watch(options.local->in, POLLIN, [&](short) {
          char buf[kReadChunk];
          ssize_t n = ::read(options.local->in, buf, sizeof buf);
          if (n > 0) {
            add_stdin(std::string_view(buf, static_cast<size_t>(n)));
          } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
            local_in_open = false;
            close_stdin();
          }
        });
      }
      attach.watch(watch);

      int timeout = -1;
      if (exit_code && outputs_open()) {
        int64_t left = (exited_at_ns + kDrainLimitNs - timeutil::now_ns()) / 1000000;
        timeout = static_cast<int>(std::max<int64_t>(left, 0));
      }
      if (restart_at_ms >= 0) timeout = static_cast<int>(std::max<int64_t>(restart_at_ms - monotonic_ms(), 0));
      if (kill_at_ms >= 0 && running()) {
        int left = static_cast<int>(std::max<int64_t>(kill_at_ms - monotonic_ms(), 0));
        timeout = timeout < 0 ? left : std::min(timeout, left);
      }

      int ready = ::poll(fds.data(), fds.size(), timeout);
      if (ready < 0 && errno != EINTR) fail_errno("poll");
      for (size_t i = 0; ready > 0 && i < fds.size(); ++i) {
        if (fds[i].revents) handlers[i](fds[i].revents);
      }

      if (exit_code && restart_at_ms < 0 && launched.pid > 0) {
        bool drained = !outputs_open() || timeutil::now_ns() >= exited_at_ns + kDrainLimitNs;
        if (drained) end_of_run();
      }
      if (restart_at_ms >= 0 && monotonic_ms() >= restart_at_ms) restart();
      if (kill_at_ms >= 0 && running() && monotonic_ms() >= kill_at_ms) {
        forward_signal(SIGKILL);
        kill_at_ms = -1;
      }
    }
    say_goodbye();
    return last_exit_code;
  }
};

Monitor::Monitor(MonitorOptions options, Launcher launcher, MonitorEvents& events)
  : impl_(std::make_unique<Impl>(std::move(options), std::move(launcher), events)) {}

Monitor::~Monitor() {
  // Never leave a container running without its monitor.
  if (impl_->running()) {
    send_signal(impl_->launched.pidfd.get(), impl_->launched.pid, SIGKILL);
    int status;
    ::waitpid(impl_->launched.pid, &status, 0);
  }
}

void Monitor::start() {
  Impl& m = *impl_;
  std::vector<int> signals = {SIGCHLD, SIGWINCH};
  if (m.options.sig_proxy) signals.insert(signals.end(), kProxiedSignals.begin(), kProxiedSignals.end());
  else if (m.options.stop_on_term) signals.push_back(SIGTERM);
  m.signals.emplace(signals);
  // A closed attach socket or caller pipe is an error from write, not death.
  survive_sigpipe();
  if (!m.options.log_path.empty()) m.log.emplace(m.options.log_path, m.options.log_max_size);
  if (m.options.journal) m.journal.emplace(*m.options.journal, journal_socket_path());
  m.attach.listen(m.options.attach_socket);
  for (auto& fd : m.options.initial_clients) m.attach.add_client(std::move(fd));
  m.options.initial_clients.clear();
  m.local_in_open = m.options.local && m.options.local->in >= 0;
  m.launch();
}

int Monitor::run() { return impl_->loop(); }

}  // namespace kayak::monitor
