// Environment lists ("K=V" strings) merged as Docker merges them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kayak::env_list {

// "K" of "K=V" (the whole entry when it has no '=').
std::string key_of(std::string_view entry);
bool has(const std::vector<std::string>& env, std::string_view key);
// Docker's ReplaceOrAppendEnvValues: a later value replaces an earlier one
// in its place; a new key is appended.
void set(std::vector<std::string>& env, const std::string& entry);

}  // namespace kayak::env_list
