// `logs`: a container's k8s-file log as the container wrote it, stdout
// lines to one sink and stderr lines to the other, partial pieces joined.
#pragma once

#include "kayak/store/container.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kayak::commands {

struct LogsOptions {
  bool follow = false;      // -f: until the container stops
  bool timestamps = false;  // -t: each line starts with its RFC 3339 time
  std::optional<size_t> tail;  // --tail N; nullopt: all
  std::optional<int64_t> since_ns, until_ns;
};

// "all" or a number (Docker's --tail); nullopt for "all". Throws otherwise.
std::optional<size_t> parse_tail(const std::string& text);

// The part of write_logs that needs no store: prints the log at log_path;
// with follow, polls until still_running() says false.
void print_log_file(const std::string& log_path, const LogsOptions& options,
                    const std::function<void(std::string_view)>& out,
                    const std::function<void(std::string_view)>& err,
                    const std::function<bool()>& still_running);

// Writes the log of container `id` through out/err (bytes exactly as
// printed). With follow, returns once the container is no longer running
// and everything it wrote has been passed on.
void write_logs(store::ContainerStore& containers, const std::string& id, const LogsOptions& options,
                const std::function<void(std::string_view)>& out, const std::function<void(std::string_view)>& err);

}  // namespace kayak::commands
