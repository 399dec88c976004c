// Small string helpers used across modules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::str {

std::vector<std::string> split(std::string_view text, char sep);
// Like split, but at most max_parts pieces (the last keeps the rest).
std::vector<std::string> split_n(std::string_view text, char sep, size_t max_parts);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string_view trim(std::string_view text);
std::string to_lower(std::string_view text);
bool contains(std::string_view text, std::string_view needle);
std::optional<int64_t> parse_int(std::string_view text);
std::optional<uint64_t> parse_uint(std::string_view text);
// Replaces every occurrence of `from` with `to`.
std::string replace_all(std::string_view text, std::string_view from, std::string_view to);

}  // namespace kayak::str
