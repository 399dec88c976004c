// Command table rows: pause, unpause, top, stats (under "container" and at
// the top level).
#include "table_rows.hpp"

#include "process_handlers.hpp"

namespace kayak::cli::rows {

std::vector<Command> process_commands() {
  return {
    {
      .names = {"container pause", "pause"},
      .usage = "CONTAINER [CONTAINER...]",
      .summary = "Pause all processes within one or more containers",
      .handler = handle_container_pause,
      .args = at_least(1),
      .description = "Uses the cgroup freezer where the container has a cgroup in a delegated cgroup v2 subtree;\n"
                     "otherwise every process of the container's pid namespace is stopped (SIGSTOP).",
      .arg_complete = {Complete::RunningContainers},
    },
    {
      .names = {"container unpause", "unpause"},
      .usage = "CONTAINER [CONTAINER...]",
      .summary = "Unpause all processes within one or more containers",
      .handler = handle_container_unpause,
      .args = at_least(1),
      .arg_complete = {Complete::PausedContainers},
    },
    {
      .names = {"container top", "top"},
      .usage = "CONTAINER [ps OPTIONS]",
      .summary = "Display the running processes of a container",
      .handler = handle_container_top,
      .args = at_least(1),
      .flags_before_args_only = true,
      .description = "Reads /proc: host PIDs of every process in the container's pid namespace. Without options\n"
                     "(or with -ef) the columns are UID PID PPID C STIME TTY TIME CMD; otherwise give descriptors\n"
                     "user, pid, ppid, pcpu, etime, tty, time, args, comm (as arguments or comma-separated).",
      .arg_complete = {Complete::RunningContainers, Complete::None},
    },
    {
      .names = {"container stats", "stats"},
      .usage = "[CONTAINER...]",
      .summary = "Display a live stream of container(s) resource usage statistics",
      .handler = handle_container_stats,
      .args = any_args(),
      .flags = {
        {.name = "all", .shorthand = 'a', .description = "Show all containers (default shows just running)"},
        format_table_flag(),
        {.name = "no-stream", .description = "Disable streaming stats and only pull the first result"},
        {.name = "no-trunc", .description = "Do not truncate output"},
      },
      .description = "Figures come from the container's cgroup when it has one in a delegated cgroup v2 subtree.\n"
                     "Otherwise from /proc: MEM USAGE is the RSS summed over the container's processes (LIMIT:\n"
                     "the host's memory), CPU % the CPU time they used over the sampling interval, NET I/O the\n"
                     "container's /proc/<init>/net/dev, BLOCK I/O their /proc/<pid>/io (-- when unreadable).",
      .arg_complete = {Complete::RunningContainers},
    },
  };
}

}  // namespace kayak::cli::rows
