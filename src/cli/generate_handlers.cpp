#include "generate_handlers.hpp"

#include "run_command_split.hpp"
#include "store_paths_of.hpp"

#include "kayak/cli/handlers.hpp"
#include "kayak/cli/invocation.hpp"
#include "kayak/commands/generate_systemd.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"
#include "kayak_config.h"

#include <fmt/format.h>
#include <unistd.h>

#include <climits>

namespace kayak::cli {

namespace {

std::optional<int> uint_flag(const Invocation& inv, const char* name) {
  if (!inv.is_set(name)) return std::nullopt;
  std::string text = inv.value_or(name, "");
  auto n = str::parse_uint(text);
  if (!n || *n > INT_MAX) fail("invalid argument \"{}\" for \"--{}\" flag: not a number of seconds", text, name);
  return static_cast<int>(*n);
}

// The binary the unit runs: this one, wherever it is installed.
std::string own_binary() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) fail_errno("readlink /proc/self/exe");
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

int handle_generate_systemd(Invocation& inv) {
  commands::GenerateSystemdOptions options;
  options.new_container = inv.flag("new");
  options.use_name = inv.flag("name");
  options.restart_policy = inv.value_or("restart-policy", "on-failure");
  options.restart_sec = uint_flag(inv, "restart-sec");
  options.stop_timeout = uint_flag(inv, "time");
  options.container_prefix = inv.value_or("container-prefix", "container");
  options.separator = inv.value_or("separator", "-");
  options.no_header = inv.flag("no-header");
  options.kayak_path = own_binary();
  options.version = KAYAK_VERSION;
  options.run_arguments = [](const std::vector<std::string>& argv) {
    return run_arguments(argv, {"detach", "rm", "cidfile", "replace", "sdnotify", "pidfile"});
  };
  store::Context ctx(paths_of(inv));
  commands::GeneratedUnit unit = commands::generate_systemd(ctx, inv.args()[0], options);
  if (inv.flag("files")) {
    std::string path = fs::absolute(unit.name);
    fs::write_file_atomic(path, unit.text, 0644);
    fmt::print("{}\n", path);
  } else {
    fmt::print("{}", unit.text);
  }
  return 0;
}

}  // namespace kayak::cli
