#include "process_handlers.hpp"

#include "item_report.hpp"
#include "store_paths_of.hpp"

#include "kayak/cli/render.hpp"
#include "kayak/commands/container_pause.hpp"
#include "kayak/commands/container_stats.hpp"
#include "kayak/commands/container_top.hpp"
#include "kayak/store/context.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fmt/format.h>
#include <map>

namespace kayak::cli {

namespace {

void sleep_ms(int ms) {
  struct timespec ts{ms / 1000, (ms % 1000) * 1000000L};
  ::nanosleep(&ts, nullptr);
}

const char* stats_table =
    "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";
const HeaderMap stats_headers = {
  {"Container", "CONTAINER"}, {"ID", "CONTAINER ID"}, {"Name", "NAME"}, {"CPUPerc", "CPU %"},
  {"MemUsage", "MEM USAGE / LIMIT"}, {"MemPerc", "MEM %"}, {"NetIO", "NET I/O"}, {"BlockIO", "BLOCK I/O"},
  {"PIDs", "PIDS"},
};

}  // namespace

int handle_container_pause(Invocation& inv) {
  store::Context ctx(paths_of(inv));
  return print_items(commands::pause_containers(ctx, inv.args()));
}

int handle_container_unpause(Invocation& inv) {
  store::Context ctx(paths_of(inv));
  return print_items(commands::unpause_containers(ctx, inv.args()));
}

int handle_container_top(Invocation& inv) {
  const auto& args = inv.args();
  std::vector<std::string> options(args.begin() + 1, args.end());
  auto descriptors = commands::parse_top_descriptors(options);
  store::Context ctx(paths_of(inv));
  commands::TopTable table = commands::top(ctx, args.at(0), descriptors);
  // Docker's layout: tabwriter with minimum width 20 and padding 3.
  std::vector<size_t> widths(table.titles.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  };
  measure(table.titles);
  for (const auto& row : table.rows) measure(row);
  auto print = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(std::max<size_t>(20, widths[i] + 3) - row[i].size(), ' ');
    }
    fmt::print("{}\n", line);
  };
  print(table.titles);
  for (const auto& row : table.rows) print(row);
  return 0;
}

int handle_container_stats(Invocation& inv) {
  store::Context ctx(paths_of(inv));
  std::string format = inv.value_or("format", "");
  bool stream = !inv.flag("no-stream");
  auto before = commands::sample_stats(ctx, inv.args());
  for (bool first = true;; first = false) {
    sleep_ms(first && !stream ? 500 : 1000);
    auto after = commands::sample_stats(ctx, inv.args());
    std::map<std::string, commands::StatsSample> earlier;
    for (auto& s : before) earlier.emplace(s.id, s);
    std::vector<json::Value> rows;
    for (const auto& s : after) {
      auto it = earlier.find(s.id);
      rows.push_back(commands::stats_row(it == earlier.end() ? s : it->second, s));
    }
    // Streaming on a terminal redraws in place, as Docker does.
    if (stream && ::isatty(STDOUT_FILENO)) fmt::print("\033[2J\033[H");
    render_rows(rows, format, stats_table, stats_headers, "container.StatsEntry");
    std::fflush(stdout);
    if (!stream) return 0;
    before = std::move(after);
  }
}

}  // namespace kayak::cli
