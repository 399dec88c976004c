#include "item_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace kayak::cli {

int add_failure(int status, int item_code) {
  int code = item_code ? item_code : 125;
  return status ? std::min(status, code) : code;
}

int print_items(const std::vector<commands::ContainerItem>& items) {
  int status = 0;
  for (const auto& item : items) {
    if (item.error.empty()) {
      fmt::print("{}\n", item.line);
    } else {
      // Lines already printed stay before the error, as the user's terminal shows them.
      std::fflush(stdout);
      fmt::print(stderr, "Error: {}\n", item.error);
      status = add_failure(status, item.exit_code);
    }
  }
  std::fflush(stdout);
  return status;
}

}  // namespace kayak::cli
