// The user's environment as the path defaults read it: a variable, and the
// home directory.
#pragma once

#include <string>

namespace kayak::user_env {

// The variable's value; "" when it is unset.
std::string get(const char* name);
// $HOME when it is set and not empty, else the password database's home of
// the effective user; "" when neither knows one (callers pick their fallback).
std::string home_dir();

}  // namespace kayak::user_env
