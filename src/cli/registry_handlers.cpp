// Handlers for login and logout: flags and prompts -> commands module ->
// Docker's and podman's messages.
#include "registry_handlers.hpp"

#include "kayak/commands/registry_login.hpp"
#include "kayak/util/error.hpp"

#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <optional>

namespace kayak::cli {

namespace {

commands::LoginOptions login_options(const Invocation& inv) {
  commands::LoginOptions options;
  options.authfile = inv.value_or("authfile", "");
  if (inv.command().names.front() == "login") {
    if (inv.is_set("tls-verify")) options.tls_verify = inv.flag("tls-verify");
    options.cert_dir = inv.value_or("cert-dir", "");
  }
  return options;
}

std::string argument(const Invocation& inv) { return inv.args().empty() ? "" : inv.args()[0]; }

// Turns terminal echo off while a password is typed and restores it, also
// when reading throws.
class NoEcho {
public:
  explicit NoEcho(int fd) {
    if (!::isatty(fd) || ::tcgetattr(fd, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    // TCSADRAIN, not TCSAFLUSH: what was typed ahead is the password.
    if (::tcsetattr(fd, TCSADRAIN, &quiet) == 0) fd_ = fd;
  }
  ~NoEcho() {
    if (fd_ >= 0) ::tcsetattr(fd_, TCSADRAIN, &saved_);
  }
  NoEcho(const NoEcho&) = delete;
  NoEcho& operator=(const NoEcho&) = delete;
  bool active() const { return fd_ >= 0; }

private:
  termios saved_{};
  int fd_ = -1;
};

// One line from stdin without the newline, read byte by byte so nothing
// past it is consumed.
std::string read_line() {
  std::string line;
  char c;
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == '\n') break;
    line.push_back(c);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string read_all_stdin() {
  std::string data;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("reading the password from stdin");
    if (n == 0) break;
    data.append(buffer, static_cast<size_t>(n));
  }
  return data;
}

std::string prompt(const std::string& text, bool echo) {
  std::string answer;
  bool terminal = ::isatty(STDIN_FILENO);
  {
    // Echo goes off before the prompt shows, so nothing typed after it
    // can appear on the screen.
    std::optional<NoEcho> quiet;
    if (!echo) quiet.emplace(STDIN_FILENO);
    fmt::print("{}", text);
    std::fflush(stdout);
    answer = read_line();
  }
  // The Enter that ends the line was not shown: no echo for a password,
  // or input that is not a terminal at all.
  if (!terminal || !echo) fmt::print("\n");
  std::fflush(stdout);
  return answer;
}

}  // namespace

int handle_login(Invocation& inv) {
  commands::LoginTarget target = commands::login_target(argument(inv));
  commands::LoginOptions options = login_options(inv);
  if (inv.flag("get-login")) {
    fmt::print("{}\n", commands::get_login(target, options));
    return 0;
  }

  std::string username = inv.value_or("username", "");
  std::optional<std::string> password;
  if (inv.is_set("password")) password = inv.value_or("password", "");
  bool password_stdin = inv.flag("password-stdin");
  if (password && password_stdin) fail("--password and --password-stdin are mutually exclusive");
  if (password_stdin && username.empty()) fail("Must provide --username with --password-stdin");
  if (password) {
    std::fflush(stdout);
    fmt::print(stderr, "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
  }
  if (password_stdin) {
    std::string data = read_all_stdin();
    if (data.ends_with('\n')) data.pop_back();
    if (data.ends_with('\r')) data.pop_back();
    password = std::move(data);
  }

  // Nothing given: stored credentials that still work are a login already.
  std::string stored_user;
  if (!password && username.empty()) {
    if (auto stored = commands::stored_login(target, options)) {
      stored_user = stored->credentials.username;
      fmt::print("Authenticating with existing credentials for {}\n", target.key);
      std::fflush(stdout);
      try {
        commands::verify_login(target, stored->credentials, options);
        fmt::print("Existing credentials are valid. Already logged in to {}\n", target.key);
        return 0;
      } catch (const Error&) {
        fmt::print("Existing credentials are invalid, please enter valid username and password\n");
      }
    }
  }

  if (username.empty()) {
    username = prompt(stored_user.empty() ? "Username: " : fmt::format("Username ({}): ", stored_user), true);
    if (username.empty()) username = stored_user;
    if (username.empty()) fail("Non-null Username Required");
  }
  if (!password) {
    password = prompt("Password: ", false);
    if (password->empty()) fail("Password Required");
  }

  registry::Credentials credentials;
  credentials.username = username;
  credentials.password = *password;
  commands::login(target, credentials, options);
  fmt::print("Login Succeeded!\n");
  return 0;
}

int handle_logout(Invocation& inv) {
  commands::LoginOptions options = login_options(inv);
  if (inv.flag("all")) {
    if (!inv.args().empty()) fail("--all takes no arguments");
    commands::logout_all(options);
    fmt::print("Removed login credentials for all registries\n");
    return 0;
  }
  commands::LoginTarget target = commands::login_target(argument(inv));
  commands::logout(target, options);
  fmt::print("Removed login credentials for {}\n", target.key);
  return 0;
}

}  // namespace kayak::cli
