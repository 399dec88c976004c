// Turning the child's (step, errno) report into the sentence the user reads,
// with Docker's exit codes: 127 not found, 126 cannot invoke, else 125.
#include "planner.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kayak::runtime::detail {

namespace {

std::string program_output_line(int fd) {
  if (fd < 0) return {};
  char buf[1024];
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return {};
  std::string text(buf, static_cast<size_t>(n));
  return std::string(str::trim(text.substr(0, text.find('\n'))));
}

std::string wait_status_text(int status) {
  if (WIFEXITED(status)) return fmt::format("exit status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("killed by signal {}", WTERMSIG(status));
  return fmt::format("wait status {}", status);
}

std::string id_hint(int err) {
  return err == EINVAL ? " (the ID is not mapped in the container's user namespace)" : "";
}

std::string user_part(const std::string& spec) {
  auto colon = spec.find(':');
  return colon == std::string::npos ? spec : spec.substr(0, colon);
}

std::string group_part(const std::string& spec) {
  auto colon = spec.find(':');
  return colon == std::string::npos ? std::string() : spec.substr(colon + 1);
}

}  // namespace

Error explain_failure(const Plan& plan, const Report& report, int program_output) {
  if (report.step < 0 || static_cast<size_t>(report.step) >= plan.steps.size()) {
    return Error(fmt::format("container setup failed at an unknown step {}: {}", report.step, std::strerror(report.err)));
  }
  const Step& step = plan.steps[static_cast<size_t>(report.step)];
  const std::string& what = plan.what[static_cast<size_t>(report.step)];
  int err = report.err;
  switch (report.failure) {
  case Failure::NoSuchUser:
    return Error(fmt::format("unable to find user {}: no matching entries in passwd file", user_part(plan.user_spec)));
  case Failure::NoSuchGroup:
    return Error(fmt::format("unable to find group {}: no matching entries in group file", group_part(plan.user_spec)));
  case Failure::Program: {
    std::string output = program_output_line(program_output);
    return Error(fmt::format("{}: {}{}{}", what, output, output.empty() ? "" : " (", wait_status_text(report.value)) +
                 (output.empty() ? "" : ")"));
  }
  case Failure::SetGroups:
    return Error(fmt::format("setgroups: {}{}", std::strerror(err), id_hint(err)));
  case Failure::SetGid:
    return Error(fmt::format("setresgid {}: {}{}", static_cast<uint32_t>(report.value), std::strerror(err), id_hint(err)));
  case Failure::SetUid:
    return Error(fmt::format("setresuid {}: {}{}", static_cast<uint32_t>(report.value), std::strerror(err), id_hint(err)));
  case Failure::ExecNotFound:
    return Error(fmt::format("{}: executable file not found in $PATH", what), 127);
  case Failure::Errno:
    break;
  }
  if (step.op == Op::Exec) {
    // Docker's wording and codes for a command that cannot be run.
    if (err == ENOENT || err == ENOTDIR) return Error(fmt::format("{}: no such file or directory", what), 127);
    if (err == EACCES || err == EPERM || err == EISDIR) return Error(fmt::format("{}: permission denied", what), 126);
    if (err == ENOEXEC) return Error(fmt::format("{}: exec format error", what), 126);
  }
  return Error(fmt::format("{}: {}", what, std::strerror(err)));
}

}  // namespace kayak::runtime::detail
