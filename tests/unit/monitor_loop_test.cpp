// The monitor's loop against a plain forked child (the test seam is the
// Launcher): output to the log, the caller and attach clients; stdin;
// signals; exit codes; restarts.
#include "kayak/monitor/attach_client.hpp"
#include "kayak/monitor/attach_protocol.hpp"
#include "kayak/monitor/log_file.hpp"
#include "kayak/monitor/monitor.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <doctest/doctest.h>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace kayak;
using namespace kayak::monitor;

namespace {

// sh -c script with the given stdio, as the runtime would start the init.
Launcher shell(std::string script) {
  return [script](const runtime::Stdio& io) {
    pid_t pid = ::fork();
    if (pid < 0) fail_errno("fork");
    if (pid == 0) {
      int null = ::open("/dev/null", O_RDWR);
      ::dup2(io.in >= 0 ? io.in : null, 0);
      ::dup2(io.out >= 0 ? io.out : null, 1);
      ::dup2(io.err >= 0 ? io.err : null, 2);
      ::execl("/bin/sh", "sh", "-c", script.c_str(), nullptr);
      ::_exit(127);
    }
    runtime::Launched launched;
    launched.pid = pid;
    launched.pidfd = UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    return launched;
  };
}

struct Recorder : MonitorEvents {
  int starts = 0;
  std::vector<int> exits;
  int restarts_wanted = 0;
  std::string restart_error;
  void started(const runtime::Launched& launched) override {
    ++starts;
    CHECK(launched.pid > 0);
  }
  int exited(int code) override {
    exits.push_back(code);
    return restarts_wanted-- > 0 ? 10 : -1;
  }
  void restart_failed(const std::string& error) override { restart_error = error; }
};

// The caller's stdout/stderr: pipes the test reads after the run.
struct CapturedStdio {
  UniqueFd out_r, out_w, err_r, err_w;
  CapturedStdio() {
    int a[2], b[2];
    REQUIRE(::pipe2(a, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(b, O_CLOEXEC) == 0);
    out_r.reset(a[0]);
    out_w.reset(a[1]);
    err_r.reset(b[0]);
    err_w.reset(b[1]);
  }
  static std::string drain(UniqueFd& fd) {
    ::fcntl(fd.get(), F_SETFL, O_NONBLOCK);
    std::string all;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd.get(), buf, sizeof buf)) > 0) all.append(buf, static_cast<size_t>(n));
    return all;
  }
};

std::pair<UniqueFd, UniqueFd> socket_pair() {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

std::vector<Frame> read_frames(int fd) {
  FrameDecoder decoder;
  std::vector<Frame> frames;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) decoder.feed(std::string_view(buf, static_cast<size_t>(n)));
  while (auto f = decoder.next()) frames.push_back(*f);
  return frames;
}

}  // namespace

TEST_CASE("monitor: output goes to the log and the caller, stream by stream; exit code comes back") {
  fs::TempDir dir;
  CapturedStdio caller;
  Recorder events;
  MonitorOptions options;
  options.log_path = dir.path() + "/ctr.log";
  options.local = LocalStdio{.out = caller.out_w.get(), .err = caller.err_w.get()};
  Monitor monitor(std::move(options), shell("echo out; echo err >&2; printf tail; exit 3"), events);
  monitor.start();
  CHECK(monitor.run() == 3);
  CHECK(events.starts == 1);
  CHECK(events.exits == std::vector<int>{3});
  CHECK(CapturedStdio::drain(caller.out_r) == "out\ntail");
  CHECK(CapturedStdio::drain(caller.err_r) == "err\n");
  auto entries = read_log(dir.path() + "/ctr.log");
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].text == "out");
  CHECK(entries[1].stream == LogStream::Stderr);
  CHECK(entries[2].text == "tail");
  CHECK(entries[2].partial);
}

TEST_CASE("monitor: -i copies the caller's stdin and closes it at EOF") {
  CapturedStdio caller;
  int in[2];
  REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
  UniqueFd in_r(in[0]), in_w(in[1]);
  REQUIRE(::write(in_w.get(), "hello\nworld\n", 12) == 12);
  in_w.reset();
  Recorder events;
  MonitorOptions options;
  options.open_stdin = true;
  options.local = LocalStdio{.in = in_r.get(), .out = caller.out_w.get(), .err = caller.err_w.get()};
  Monitor monitor(std::move(options), shell("tr a-z A-Z; echo done"), events);
  monitor.start();
  CHECK(monitor.run() == 0);
  CHECK(CapturedStdio::drain(caller.out_r) == "HELLO\nWORLD\ndone\n");
}

TEST_CASE("monitor: without -i the container's stdin is empty") {
  CapturedStdio caller;
  Recorder events;
  MonitorOptions options;
  options.local = LocalStdio{.out = caller.out_w.get(), .err = caller.err_w.get()};
  Monitor monitor(std::move(options), shell("wc -c"), events);
  monitor.start();
  CHECK(monitor.run() == 0);
  CHECK(CapturedStdio::drain(caller.out_r) == "0\n");
}

TEST_CASE("monitor: an attach client gets output frames, feeds stdin, and hears the exit code") {
  fs::TempDir dir;
  auto [mine, theirs] = socket_pair();
  Recorder events;
  MonitorOptions options;
  options.open_stdin = true;
  options.log_path = dir.path() + "/ctr.log";
  options.initial_clients.push_back(std::move(theirs));
  std::string input = encode_frame(FrameType::Stdin, "ping\n") + encode_frame(FrameType::CloseStdin, "");
  REQUIRE(::write(mine.get(), input.data(), input.size()) == static_cast<ssize_t>(input.size()));
  Monitor monitor(std::move(options), shell("read line; echo got-$line; echo oops >&2; exit 7"), events);
  monitor.start();
  CHECK(monitor.run() == 7);
  auto frames = read_frames(mine.get());
  std::string out, err;
  for (auto& f : frames) {
    if (f.type == FrameType::Stdout) out += f.payload;
    if (f.type == FrameType::Stderr) err += f.payload;
  }
  CHECK(out == "got-ping\n");
  CHECK(err == "oops\n");
  REQUIRE_FALSE(frames.empty());
  CHECK(frames.back().type == FrameType::Exit);
  CHECK(decode_int(frames.back().payload) == 7);
}

TEST_CASE("monitor: the attach socket accepts clients; a Signal frame reaches the container") {
  // Deeper than a socket address can hold (108 bytes), as runroots in test
  // dirs are.
  fs::TempDir top;
  std::string deep = top.path() + "/" + std::string(60, 'd') + "/" + std::string(60, 'e');
  fs::mkdir_p(deep);
  struct Dir { std::string p; const std::string& path() const { return p; } } dir{deep};
  Recorder events;
  MonitorOptions options;
  options.attach_socket = dir.path() + "/attach";
  // The child says it is ready, then waits to be killed.
  options.log_path = dir.path() + "/ctr.log";
  pid_t monitor_pid = ::fork();
  REQUIRE(monitor_pid >= 0);
  if (monitor_pid == 0) {
    int code = 100;
    try {
      Monitor monitor(std::move(options), shell("echo ready; exec sleep 30"), events);
      monitor.start();
      code = monitor.run();
    } catch (...) {
    }
    ::_exit(code);
  }
  // Wait for the socket, then for the output, over the socket.
  UniqueFd client;
  for (int i = 0; i < 200 && !client; ++i) {
    try {
      client = connect_attach_socket(dir.path() + "/attach");
    } catch (const Error&) {
      ::usleep(10000);
    }
  }
  REQUIRE(client);
  for (int i = 0; i < 200 && read_log(dir.path() + "/ctr.log").empty(); ++i) ::usleep(10000);
  std::string sig = encode_int(FrameType::Signal, SIGTERM);
  REQUIRE(::write(client.get(), sig.data(), sig.size()) == static_cast<ssize_t>(sig.size()));
  auto frames = read_frames(client.get());
  REQUIRE_FALSE(frames.empty());
  CHECK(frames.back().type == FrameType::Exit);
  CHECK(decode_int(frames.back().payload) == 128 + SIGTERM);
  int status = 0;
  REQUIRE(::waitpid(monitor_pid, &status, 0) == monitor_pid);
  CHECK(WEXITSTATUS(status) == 128 + SIGTERM);
  CHECK_FALSE(fs::exists(dir.path() + "/attach"));
}

TEST_CASE("monitor: signals sent to the monitor are forwarded to the container") {
  Recorder events;
  pid_t monitor_pid = ::fork();
  REQUIRE(monitor_pid >= 0);
  if (monitor_pid == 0) {
    int code = 100;
    try {
      MonitorOptions options;
      Monitor monitor(std::move(options), shell("trap 'exit 42' USR1; while :; do sleep 0.05; done"), events);
      monitor.start();
      code = monitor.run();
    } catch (...) {
    }
    ::_exit(code);
  }
  ::usleep(300000);  // the trap is set once the shell runs its loop
  ::kill(monitor_pid, SIGUSR1);
  int status = 0;
  REQUIRE(::waitpid(monitor_pid, &status, 0) == monitor_pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 42);
}

TEST_CASE("monitor: restarts while the events ask for it, and reports a failed restart") {
  fs::TempDir dir;
  Recorder events;
  events.restarts_wanted = 2;
  MonitorOptions options;
  options.log_path = dir.path() + "/ctr.log";
  Monitor monitor(std::move(options), shell("echo run; exit 1"), events);
  monitor.start();
  CHECK(monitor.run() == 1);
  CHECK(events.starts == 3);
  CHECK(events.exits == std::vector<int>{1, 1, 1});
  CHECK(read_log(dir.path() + "/ctr.log").size() == 3);

  Recorder failing;
  failing.restarts_wanted = 1;
  int launches = 0;
  Launcher flaky = [&](const runtime::Stdio& io) {
    if (launches++ == 1) fail("mount /x on /y: No such file or directory");
    return shell("exit 5")(io);
  };
  Monitor second(MonitorOptions{}, flaky, failing);
  second.start();
  CHECK(second.run() == 5);
  CHECK(failing.restart_error == "mount /x on /y: No such file or directory");
}

TEST_CASE("monitor: a launch error comes out of start() and nothing runs") {
  Recorder events;
  Monitor monitor(MonitorOptions{}, [](const runtime::Stdio&) -> runtime::Launched {
    throw Error("executable file `nope` not found in $PATH", 127);
  }, events);
  CHECK_THROWS_WITH_AS(monitor.start(), "executable file `nope` not found in $PATH", Error);
  CHECK(events.starts == 0);
}

namespace {

// As the runtime does for -t: the child's stdio is a new pty's slave, the
// master comes back in Launched.
Launcher shell_on_pty(std::string script) {
  return [script](const runtime::Stdio&) {
    int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) fail_errno("posix_openpt");
    int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::setsid();
      ::ioctl(slave, TIOCSCTTY, 0);
      ::dup2(slave, 0);
      ::dup2(slave, 1);
      ::dup2(slave, 2);
      ::execl("/bin/sh", "sh", "-c", script.c_str(), nullptr);
      ::_exit(127);
    }
    ::close(slave);
    runtime::Launched launched;
    launched.pid = pid;
    launched.pidfd = UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    launched.pty_master = UniqueFd(master);
    return launched;
  };
}

}  // namespace

TEST_CASE("monitor: with a tty the container's pty takes the caller's window size; output is read to the end") {
  // The caller's terminal: another pty with a known size.
  int caller_master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  REQUIRE(caller_master >= 0);
  UniqueFd caller_master_fd(caller_master);
  REQUIRE(::grantpt(caller_master) == 0);
  REQUIRE(::unlockpt(caller_master) == 0);
  UniqueFd caller_tty(::open(::ptsname(caller_master), O_RDWR | O_NOCTTY | O_CLOEXEC));
  struct winsize ws {};
  ws.ws_row = 33;
  ws.ws_col = 77;
  REQUIRE(::ioctl(caller_tty.get(), TIOCSWINSZ, &ws) == 0);

  fs::TempDir dir;
  CapturedStdio caller;
  Recorder events;
  MonitorOptions options;
  options.tty = true;
  options.log_path = dir.path() + "/ctr.log";
  options.local = LocalStdio{.out = caller.out_w.get(), .err = caller.err_w.get(), .terminal = caller_tty.get()};
  Monitor monitor(std::move(options), shell_on_pty("stty size; echo to-stderr >&2; exit 9"), events);
  monitor.start();
  CHECK(monitor.run() == 9);
  std::string out = CapturedStdio::drain(caller.out_r);
  // A tty has one stream, with the pty's line endings.
  CHECK(out == "33 77\r\nto-stderr\r\n");
  CHECK(CapturedStdio::drain(caller.err_r).empty());
  auto entries = read_log(dir.path() + "/ctr.log");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].text == "33 77\r");
  CHECK(entries[1].stream == LogStream::Stdout);
}

TEST_CASE("monitor: the container does not inherit an ignored SIGPIPE") {
  CapturedStdio caller;
  Recorder events;
  MonitorOptions options;
  options.local = LocalStdio{.out = caller.out_w.get(), .err = caller.err_w.get()};
  // SigIgn in /proc/self/status is a hex mask; bit 12 is SIGPIPE.
  Monitor monitor(std::move(options), shell("grep SigIgn /proc/self/status"), events);
  monitor.start();
  CHECK(monitor.run() == 0);
  std::string line = CapturedStdio::drain(caller.out_r);
  REQUIRE(line.starts_with("SigIgn:"));
  uint64_t mask = std::stoull(line.substr(7), nullptr, 16);
  CHECK((mask & (1ULL << (SIGPIPE - 1))) == 0);
}
