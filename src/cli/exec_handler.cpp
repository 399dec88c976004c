// exec: flags -> commands::ExecOptions.
#include "exec_handlers.hpp"

#include "store_paths_of.hpp"

#include "kayak/commands/container_create.hpp"
#include "kayak/commands/container_exec.hpp"
#include "kayak/util/error.hpp"

namespace kayak::cli {

int handle_exec(Invocation& inv) {
  const auto& args = inv.args();
  commands::ExecOptions options;
  options.process.args.assign(args.begin() + 1, args.end());
  options.process.env = commands::user_env(inv.values("env-file"), inv.values("env"));
  if (inv.is_set("user")) options.process.user = inv.value_or("user", "");
  if (inv.is_set("workdir")) {
    std::string dir = inv.value_or("workdir", "");
    if (dir.empty() || dir[0] != '/') fail("the working directory '{}' is invalid, it needs to be an absolute path", dir);
    options.process.cwd = dir;
  }
  options.process.tty = inv.flag("tty");
  options.process.privileged = inv.flag("privileged");
  options.interactive = inv.flag("interactive");
  options.detach = inv.flag("detach");
  options.detach_keys = inv.value_or("detach-keys", "ctrl-p,ctrl-q");
  return commands::exec_in_container(paths_of(inv), args[0], options);
}

}  // namespace kayak::cli
