// The per-container monitor (DESIGN "Process model"): one single-threaded
// poll loop that owns a container's stdio. It
//   - starts the container through a Launcher (runtime::launch in kayak;
//     tests use a plain child), with pipes or a pty for stdio;
//   - copies output to the k8s-file log, to the foreground caller's stdout
//     and stderr, and to every attach client;
//   - feeds the container's stdin from the caller's stdin or attach clients;
//   - serves the attach socket (attach_protocol.hpp);
//   - forwards the signals it receives to the container;
//   - is a child subreaper and reaps every child, the container init with
//     its exit status;
//   - reports start and exit through MonitorEvents (state.json in kayak),
//     which also decides whether the container runs again (--restart).
// Signal handlers only write the signal number to a pipe the loop polls.
#pragma once

#include "kayak/monitor/journal_writer.hpp"
#include "kayak/runtime/launch.hpp"
#include "kayak/util/fd.hpp"

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kayak::monitor {

// Starts the container process with the given stdio (see runtime::Stdio).
using Launcher = std::function<runtime::Launched(const runtime::Stdio&)>;

class MonitorEvents {
public:
  virtual ~MonitorEvents() = default;
  // The container's init runs (each start, restarts included).
  virtual void started(const runtime::Launched& launched) = 0;
  // The container exited with exit_code (128+N when killed by signal N) and
  // its output is drained. Return the delay in milliseconds before starting
  // it again, or -1 to stop (the monitor then ends).
  virtual int exited(int exit_code) = 0;
  // A restart's delay is over: false when it must not happen after all (a
  // stop came in between); the monitor then ends.
  virtual bool may_restart() { return true; }
  // A restart failed to launch; the monitor ends after this.
  virtual void restart_failed(const std::string& error) = 0;
};

// The foreground caller (`run` without -d, the CLI being the monitor).
struct LocalStdio {
  int in = -1;   // caller's stdin, copied to the container's with -i; -1: none
  int out = -1;  // output relayed here ...
  int err = -1;  // ... and stderr here (with a tty, all output goes to out)
  // With a tty: the caller's terminal whose window size the container's pty
  // follows (at start and on SIGWINCH); -1: none.
  int terminal = -1;
};

struct MonitorOptions {
  bool tty = false;         // a pty instead of pipes
  bool open_stdin = false;  // -i: the container's stdin is a pipe kept open (else /dev/null)
  std::string log_path;     // "" : no log
  uint64_t log_max_size = 0;
  // --log-driver journald: lines go to the journal (journal_writer.hpp).
  std::optional<JournalIdentity> journal;
  std::string attach_socket;  // listen here; "" : no socket
  // Connections attached from the start (the socketpair of run -it / start -a),
  // so no output is missed between start and attach.
  std::vector<UniqueFd> initial_clients;
  std::optional<LocalStdio> local;
  // Forward SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 to the
  // container. Without it (run --sig-proxy=false) they keep their default
  // action on the monitor.
  bool sig_proxy = true;
  // Under a systemd unit (--sdnotify conmon or container): SIGTERM to the
  // monitor stops the container as `kayak stop` does -- the image's stop
  // signal, then SIGKILL after the stop timeout -- rather than passing
  // SIGTERM on. on_stop runs first (so --restart does not bring it back).
  struct StopOnTerm {
    int signal = 15;
    int timeout_ms = 10000;
    std::function<void()> on_stop;
  };
  std::optional<StopOnTerm> stop_on_term;
};

class Monitor {
public:
  Monitor(MonitorOptions options, Launcher launcher, MonitorEvents& events);
  ~Monitor();
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  // Installs the signal handlers, opens the log and the attach socket and
  // launches the container; throws the launch error (exit code 125/126/127)
  // with nothing left running.
  void start();
  // The loop: returns the exit code of the container's last run, once it
  // will not run again and the attach clients have been told.
  int run();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Becomes a child subreaper (PR_SET_CHILD_SUBREAPER): processes the
// container leaves behind (fuse-overlayfs, newuidmap) are reparented to the
// monitor, which reaps them.
void become_subreaper();

}  // namespace kayak::monitor
