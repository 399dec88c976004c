// Command table rows: the commands that run containers and follow them
// (run, start, attach, restart, logs) and the hidden monitor.
#include "run_flags.hpp"
#include "run_handlers.hpp"
#include "table_rows.hpp"

namespace kayak::cli::rows {

namespace {

Flag detach_keys_flag() {
  return {.name = "detach-keys", .type = FlagType::String,
          .description = "Override the key sequence for detaching a container",
          .default_value = "ctrl-p,ctrl-q"};
}

Flag sig_proxy_flag() {
  return {.name = "sig-proxy", .description = "Proxy received signals to the process",
          .default_value = "true"};
}

// run's own flags, then the create flags it shares with `create`.
std::vector<Flag> run_flags() {
  std::vector<Flag> flags = {
    {.name = "detach", .shorthand = 'd', .description = "Run container in background and print container ID"},
    detach_keys_flag(),
    sig_proxy_flag(),
  };
  for (auto& flag : cli::run_create_flags()) flags.push_back(std::move(flag));
  return flags;
}

}  // namespace

std::vector<Command> run_commands() {
  return {
    {
      .names = {"container run", "run"},
      .usage = "IMAGE [COMMAND] [ARG...]",
      .summary = "Create and run a new container from an image",
      .handler = handle_run,
      .args = at_least(1),
      .flags = run_flags(),
      .flags_before_args_only = true,
    },
    {
      .names = {"container start", "start"},
      .usage = "CONTAINER [CONTAINER...]",
      .summary = "Start one or more stopped containers",
      .handler = handle_start,
      .args = any_args(),  // or --all
      .flags = {
        {.name = "all", .description = "Start all containers regardless of their state or configuration"},
        {.name = "filter", .shorthand = 'f', .type = FlagType::StringList,
         .description = "Filter the containers --all starts (ps's filters, and restart-policy=)",
         .value_name = "filter"},
        {.name = "attach", .shorthand = 'a', .description = "Attach STDOUT/STDERR and forward signals"},
        detach_keys_flag(),
        {.name = "interactive", .shorthand = 'i', .description = "Attach container's STDIN"},
        sig_proxy_flag(),
      },
    },
    {
      .names = {"container attach", "attach"},
      .usage = "CONTAINER",
      .summary = "Attach local standard input, output, and error streams to a running container",
      .handler = handle_attach,
      .args = exactly(1),
      .flags = {
        detach_keys_flag(),
        {.name = "no-stdin", .description = "Do not attach STDIN"},
        sig_proxy_flag(),
      },
    },
    {
      .names = {"container restart", "restart"},
      .usage = "CONTAINER [CONTAINER...]",
      .summary = "Restart one or more containers",
      .handler = handle_restart,
      .args = at_least(1),
      .flags = {
        {.name = "time", .shorthand = 't', .type = FlagType::String,
         .description = "Seconds to wait before killing the container", .value_name = "int"},
      },
    },
    {
      .names = {"container logs", "logs"},
      .usage = "CONTAINER",
      .summary = "Fetch the logs of a container",
      .handler = handle_logs,
      .args = exactly(1),
      .flags = {
        {.name = "details", .description = "Show extra details provided to logs"},
        {.name = "follow", .shorthand = 'f', .description = "Follow log output"},
        {.name = "since", .type = FlagType::String,
         .description = "Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)"},
        {.name = "tail", .shorthand = 'n', .type = FlagType::String,
         .description = "Number of lines to show from the end of the logs", .default_value = "all"},
        {.name = "timestamps", .shorthand = 't', .description = "Show timestamps"},
        {.name = "until", .type = FlagType::String,
         .description = "Show logs before a timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)"},
      },
    },
    {
      // The per-container monitor (DESIGN "Process model"), spawned by run -d and start.
      .names = {"monitor"},
      .usage = "CONTAINER",
      .summary = "Run the monitor of a container (internal)",
      .handler = handle_monitor,
      .args = exactly(1),
      .flags = {
        {.name = "ready-fd", .type = FlagType::String, .description = "Report the start on this fd"},
        {.name = "attach-fd", .type = FlagType::String, .description = "First attach connection"},
      },
      .hidden = true,
    },
  };
}

}  // namespace kayak::cli::rows
