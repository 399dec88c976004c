#include "kayak/registry/response_parsing.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/strings.hpp"

#include <cstring>
#include <ctime>

namespace kayak::registry {

std::string next_link(std::string_view header) {
  size_t pos = 0;
  while (true) {
    size_t open = header.find('<', pos);
    if (open == std::string_view::npos) return "";
    size_t close = header.find('>', open);
    if (close == std::string_view::npos) return "";
    std::string_view url = header.substr(open + 1, close - open - 1);
    // The parameters run to the next link (a ',' outside quotes).
    size_t end = close + 1;
    bool quoted = false;
    while (end < header.size() && (quoted || header[end] != ',')) {
      if (header[end] == '"') quoted = !quoted;
      ++end;
    }
    std::string params = str::to_lower(header.substr(close + 1, end - close - 1));
    for (const auto& param : str::split(params, ';')) {
      auto kv = str::split_n(param, '=', 2);
      if (kv.size() != 2 || str::trim(kv[0]) != "rel") continue;
      std::string value(str::trim(kv[1]));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      for (const auto& rel : str::split(value, ' ')) {
        if (rel == "next") return std::string(url);
      }
    }
    pos = end;
  }
}

std::optional<int64_t> retry_after_seconds(std::string_view value, std::time_t now) {
  std::string_view text = str::trim(value);
  if (text.empty()) return std::nullopt;
  if (auto seconds = str::parse_uint(text)) return static_cast<int64_t>(*seconds);
  struct tm tm {};
  std::string copy(text);
  const char* end = strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  std::time_t when = timegm(&tm);
  return when > now ? static_cast<int64_t>(when - now) : 0;
}

namespace {

std::string printable(std::string_view text, size_t limit) {
  std::string out;
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) continue;
    if (out.size() >= limit) {
      out += "...";
      break;
    }
    out += c;
  }
  return out;
}

// "MANIFEST_UNKNOWN" -> "manifest unknown"
std::string code_words(std::string_view code) { return str::to_lower(str::replace_all(code, "_", " ")); }

}  // namespace

std::string registry_error_message(std::string_view body) {
  json::Value doc;
  try {
    doc = json::parse(body, "registry error");
  } catch (const Error&) {
    return "";
  }
  const json::Value* errors = doc.find("errors");
  if (errors == nullptr || !errors->is_array()) return "";
  std::vector<std::string> parts;
  for (const auto& item : errors->as_array()) {
    if (parts.size() == 5) break;  // a hostile registry may send thousands
    std::string code = printable(code_words(item.string_or("code")), 60);
    std::string message = printable(item.string_or("message"), 300);
    if (message.empty()) {
      if (!code.empty()) parts.push_back(code);
    } else if (code.empty() || str::to_lower(message).find(code) != std::string::npos) {
      parts.push_back(message);
    } else {
      parts.push_back(code + ": " + message);
    }
  }
  return str::join(parts, "; ");
}

}  // namespace kayak::registry
