// The docker-credential-NAME protocol: `get` and `erase` read the server on
// stdin, `store` reads {"ServerURL","Username","Secret"}; `get` answers with
// the same JSON on stdout. Secrets pass through the pipes only: never in
// arguments (visible in /proc) and never in an error message.
#include "kayak/registry/auth_files.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/strings.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

extern char** environ;

namespace kayak::registry {

namespace {

constexpr std::string_view kNotFound = "credentials not found in native keychain";
constexpr std::string_view kTokenUser = "<token>";

struct HelperResult {
  int status = 0;  // exit status; 128+N when killed by signal N
  std::string out;
};

// Runs docker-credential-NAME ACTION with input on stdin; its stderr is
// ours (the helper's own diagnostics reach the user).
HelperResult run_helper(const std::string& name, const char* action, const std::string& input) {
  std::string program = "docker-credential-" + name;
  // A socket, not a pipe, for stdin: send(MSG_NOSIGNAL) turns a helper that
  // exits without reading into EPIPE instead of a SIGPIPE for us.
  int in_pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) != 0) fail_errno("socketpair");
  UniqueFd in_parent(in_pair[0]), in_child(in_pair[1]);
  int out_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) fail_errno("pipe");
  UniqueFd out_parent(out_pipe[0]), out_child(out_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_child.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_child.get(), STDOUT_FILENO);
  std::string action_arg = action;
  char* argv[] = {program.data(), action_arg.data(), nullptr};
  pid_t pid = -1;
  int err = ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err == ENOENT) fail("credential helper {} not found in $PATH", program);
  if (err != 0) fail_errno_value(err, "starting {}", program);
  in_child.reset();
  out_child.reset();

  size_t sent = 0;
  while (sent < input.size()) {
    ssize_t n = ::send(in_parent.get(), input.data() + sent, input.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;  // the helper stopped reading; its exit status tells why
    sent += static_cast<size_t>(n);
  }
  in_parent.reset();

  HelperResult result;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(out_parent.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.out.append(buffer, static_cast<size_t>(n));
  }
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) fail_errno("waiting for {}", program);
  }
  result.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  return result;
}

[[noreturn]] void helper_failed(const std::string& name, const char* action, const HelperResult& result) {
  std::string message(str::trim(result.out));
  if (message.empty()) message = fmt::format("exit status {}", result.status);
  fail("docker-credential-{} {}: {}", name, action, message);
}

}  // namespace

std::optional<Credentials> credential_helper_get(const std::string& name, const std::string& server) {
  HelperResult result = run_helper(name, "get", server);
  if (result.status != 0) {
    if (str::contains(result.out, kNotFound)) return std::nullopt;
    helper_failed(name, "get", result);
  }
  json::Value reply;
  try {
    reply = json::parse(result.out, "credential helper reply");
  } catch (const Error&) {
    // The reply holds the secret: say what is wrong without quoting it.
    fail("docker-credential-{} get: the reply is not valid JSON", name);
  }
  Credentials creds;
  std::string user = reply.string_or("Username");
  std::string secret = reply.string_or("Secret");
  if (user == kTokenUser) {
    creds.identity_token = secret;
  } else {
    creds.username = user;
    creds.password = secret;
  }
  if (creds.empty()) return std::nullopt;
  return creds;
}

void credential_helper_store(const std::string& name, const std::string& server, const Credentials& credentials) {
  json::Value request = json::Value::object();
  request.set("ServerURL", server);
  if (!credentials.identity_token.empty()) {
    request.set("Username", std::string(kTokenUser));
    request.set("Secret", credentials.identity_token);
  } else {
    request.set("Username", credentials.username);
    request.set("Secret", credentials.password);
  }
  HelperResult result = run_helper(name, "store", json::dump(request));
  if (result.status != 0) helper_failed(name, "store", result);
}

bool credential_helper_erase(const std::string& name, const std::string& server) {
  HelperResult result = run_helper(name, "erase", server);
  if (result.status == 0) return true;
  if (str::contains(result.out, kNotFound)) return false;
  helper_failed(name, "erase", result);
}

}  // namespace kayak::registry
