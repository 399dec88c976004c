// Test helpers for the registry configuration tests: environment variables
// set for one scope, and files written into a temp tree.
#pragma once

#include "kayak/util/fs.hpp"

#include <cstdlib>
#include <optional>
#include <string>

namespace kayak::test {

// Sets (or, with nullopt, unsets) an environment variable until the end of
// the scope, then puts the old value back.
class ScopedEnv {
public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value->c_str(), 1);
    else ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
  const char* name_;
  std::optional<std::string> old_;
};

inline std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
  std::string path = fs::join(dir, name);
  fs::mkdir_p(fs::dirname(path));
  fs::write_file_atomic(path, text);
  return path;
}

}  // namespace kayak::test
