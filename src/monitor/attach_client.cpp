#include "kayak/monitor/attach_client.hpp"

#include "io.hpp"
#include "kayak/monitor/attach_protocol.hpp"
#include "kayak/util/error.hpp"
#include "kayak/monitor/signal_pipe.hpp"
#include "kayak/monitor/terminal.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

namespace kayak::monitor {

std::string parse_detach_keys(std::string_view text) {
  std::string keys;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    size_t comma = text.find(',', start);
    std::string_view key = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (key.size() == 1) {
      keys += key[0];
    } else if (key.size() == 6 && key.starts_with("ctrl-")) {
      char c = key[5];
      if (c >= 'a' && c <= 'z') {
        keys += static_cast<char>(c - 'a' + 1);
      } else if (c == '@' || c == '[' || c == '\\' || c == ']' || c == '^' || c == '_') {
        keys += static_cast<char>(c & 0x1f);
      } else {
        fail("invalid detach keys \"{}\": unknown key {}", text, key);
      }
    } else {
      fail("invalid detach keys \"{}\": unknown key {}", text, key);
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return keys;
}

std::string DetachMatcher::feed(std::string_view input, bool& detached) {
  std::string out;
  detached = false;
  if (keys_.empty()) return std::string(input);
  for (char c : input) {
    if (c == keys_[matched_]) {
      if (++matched_ == keys_.size()) {
        detached = true;
        matched_ = 0;
        return out;
      }
      continue;
    }
    // Not the sequence after all: the held-back bytes were input.
    out.append(keys_, 0, matched_);
    matched_ = 0;
    if (c == keys_[0]) {
      matched_ = 1;
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

std::string window_size_frame(int fd) {
  struct winsize ws {};
  if (::ioctl(fd, TIOCGWINSZ, &ws) != 0) return {};
  return encode_resize(ws.ws_row, ws.ws_col);
}

}  // namespace

UniqueFd connect_attach_socket(const std::string& path) { return connect_unix(path); }

AttachResult attach_session(UniqueFd connection, const AttachOptions& options) {
  std::vector<int> signals = {SIGWINCH};
  if (options.sig_proxy) signals.insert(signals.end(), {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2});
  SignalPipe signal_pipe(signals);
  survive_sigpipe();
  std::optional<RawTerminal> raw;
  if (options.tty && options.attach_stdin) raw.emplace(options.in);

  int terminal = options.tty && ::isatty(options.out) ? options.out : (options.tty && ::isatty(options.in) ? options.in : -1);
  std::string outgoing;
  if (terminal >= 0) outgoing += window_size_frame(terminal);

  DetachMatcher matcher(options.attach_stdin ? options.detach_keys : "");
  bool stdin_open = options.attach_stdin;
  FrameDecoder decoder;
  set_nonblocking(connection.get());

  for (;;) {
    std::vector<pollfd> fds = {{signal_pipe.fd(), POLLIN, 0},
                               {connection.get(), static_cast<short>(POLLIN | (outgoing.empty() ? 0 : POLLOUT)), 0}};
    // Read stdin only while what we read has gone out (backpressure).
    if (stdin_open && outgoing.size() < (1 << 20)) fds.push_back({options.in, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      fail_errno("poll");
    }
    if (fds[0].revents) {
      for (int signo : signal_pipe.drain()) {
        if (signo == SIGWINCH) {
          if (terminal >= 0) outgoing += window_size_frame(terminal);
        } else {
          outgoing += encode_int(FrameType::Signal, signo);
        }
      }
    }
    if (fds.size() > 2 && fds[2].revents) {
      char buf[65536];
      ssize_t n = ::read(options.in, buf, sizeof buf);
      if (n > 0) {
        bool detached = false;
        std::string pass = matcher.feed(std::string_view(buf, static_cast<size_t>(n)), detached);
        if (!pass.empty()) outgoing += encode_frame(FrameType::Stdin, pass);
        if (detached) {
          write_fully(connection.get(), outgoing);  // keys typed before the sequence still count
          return AttachResult{.detached = true, .exit_code = 0};
        }
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        stdin_open = false;
        outgoing += encode_frame(FrameType::CloseStdin, "");
      }
    }
    if (fds[1].revents & POLLOUT) {
      if (!write_some(connection.get(), outgoing)) outgoing.clear();
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[65536];
      bool eof = false;
      for (;;) {
        ssize_t n = ::read(connection.get(), buf, sizeof buf);
        if (n > 0) {
          decoder.feed(std::string_view(buf, static_cast<size_t>(n)));
          continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n == 0 || errno != EAGAIN) eof = true;
        break;
      }
      while (auto frame = decoder.next()) {
        if (frame->type == FrameType::Stdout) {
          write_fully(options.out, frame->payload);
        } else if (frame->type == FrameType::Stderr) {
          write_fully(options.err, frame->payload);
        } else if (frame->type == FrameType::Exit) {
          return AttachResult{.detached = false, .exit_code = decode_int(frame->payload).value_or(125)};
        }
      }
      if (eof) fail("the container's monitor went away without an exit code");
    }
  }
}

}  // namespace kayak::monitor
