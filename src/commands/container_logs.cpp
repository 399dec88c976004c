// `logs` of a stored container: its log file, followed while it runs.
#include "kayak/commands/container_logs.hpp"

#include "journal_reader.hpp"
#include "log_source.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

namespace kayak::commands {

void write_logs(store::ContainerStore& containers, const std::string& id, const LogsOptions& options,
                const std::function<void(std::string_view)>& out, const std::function<void(std::string_view)>& err) {
  store::ContainerConfig config = containers.config(id);
  if (config.log_driver == "none")
    fail("configured logging driver does not support reading");
  auto still_running = [&] {
    auto status = containers.state(id).status;
    return status == store::ContainerStatus::Running || status == store::ContainerStatus::Paused;
  };
  if (config.log_driver == "journald") {
    JournalReader journal(config.id);
    print_log_source([&](const LogSink& sink) { journal.poll(sink); }, options, out, err, still_running);
    return;
  }
  print_log_file(fs::join(containers.dir(id), "ctr.log"), options, out, err, still_running);
}

}  // namespace kayak::commands
