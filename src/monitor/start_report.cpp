// The start report a detached monitor sends its spawner over a pipe.
#include "kayak/monitor/container_monitor.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"

namespace kayak::monitor {

std::string encode_start_report(int exit_code, const std::string& error) {
  if (exit_code == 0) return "S";
  return fmt::format("E{} {}", exit_code, error);
}

std::optional<std::pair<int, std::string>> decode_start_report(const std::string& text) {
  if (text == "S") return std::nullopt;
  if (text.size() > 1 && text[0] == 'E') {
    size_t space = text.find(' ');
    auto code = str::parse_int(std::string_view(text).substr(1, space == std::string::npos ? space : space - 1));
    if (code && space != std::string::npos) return std::pair<int, std::string>{static_cast<int>(*code), text.substr(space + 1)};
  }
  if (text.empty()) fail("the container's monitor exited before starting it");
  fail("the container's monitor sent a malformed start report");
}

}  // namespace kayak::monitor
