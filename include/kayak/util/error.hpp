// Errors: library code throws kayak::Error with context; main() prints
// "Error: <what>" and exits with exit_code() (125 unless a command says
// otherwise, as Docker does).
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace kayak {

class Error : public std::runtime_error {
public:
  explicit Error(const std::string& message, int exit_code = 125)
    : std::runtime_error(message), exit_code_(exit_code) {}

  int exit_code() const { return exit_code_; }

private:
  int exit_code_;
};

// A named container, image or volume that does not exist. The removal verbs
// (rm, rmi, volume rm) exit 1 for it, as podman's do; the others keep 125.
class NotFoundError : public Error {
public:
  using Error::Error;
};

// Error for a failed system call: "<context>: <strerror(err)>".
class SystemError : public Error {
public:
  SystemError(int err, const std::string& context);
  int error_number() const { return errno_; }

private:
  int errno_;
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

// Throws SystemError with the current errno.
template <typename... Args>
[[noreturn]] void fail_errno(fmt::format_string<Args...> format, Args&&... args) {
  int err = errno;
  throw SystemError(err, fmt::format(format, std::forward<Args>(args)...));
}

// Throws SystemError with an explicit errno value.
template <typename... Args>
[[noreturn]] void fail_errno_value(int err, fmt::format_string<Args...> format, Args&&... args) {
  throw SystemError(err, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace kayak
