// Where `logs` reads a container's entries from: the k8s-file log or the
// journal. poll(sink) hands out whatever is new since the last call, raw
// (partial pieces not yet joined); the first call hands out the backlog.
#pragma once

#include "kayak/commands/container_logs.hpp"
#include "kayak/monitor/log_file.hpp"

#include <functional>

namespace kayak::commands {

using LogSink = std::function<void(monitor::LogEntry)>;
using LogSource = std::function<void(const LogSink&)>;

// Prints a source as `logs` does (filters, tail, timestamps, follow while
// still_running() says true).
void print_log_source(const LogSource& poll, const LogsOptions& options,
                      const std::function<void(std::string_view)>& out,
                      const std::function<void(std::string_view)>& err,
                      const std::function<bool()>& still_running);

}  // namespace kayak::commands
