// `logs` of a stored container: its log file, followed while it runs.
#include "kayak/commands/container_logs.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

namespace kayak::commands {

void write_logs(store::ContainerStore& containers, const std::string& id, const LogsOptions& options,
                const std::function<void(std::string_view)>& out, const std::function<void(std::string_view)>& err) {
  store::ContainerConfig config = containers.config(id);
  if (config.log_driver == "none")
    fail("configured logging driver does not support reading");
  print_log_file(fs::join(containers.dir(id), "ctr.log"), options, out, err, [&] {
    auto status = containers.state(id).status;
    return status == store::ContainerStatus::Running || status == store::ContainerStatus::Paused;
  });
}

}  // namespace kayak::commands
