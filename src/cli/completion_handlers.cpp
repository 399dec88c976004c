#include "completion_handlers.hpp"

#include "kayak/cli/completion.hpp"
#include "kayak/commands/completion_values.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

namespace kayak::cli {

namespace {

std::vector<std::string> store_values(Complete kind, std::string_view typed, const StoreSelection& where) {
  store::StorePaths paths = store::resolve_paths(where.root, where.runroot);
  // IDs only once something is typed: an empty word lists names, as podman does.
  bool with_ids = !typed.empty();
  using commands::ContainerChoice;
  switch (kind) {
  case Complete::Containers: return commands::completion_containers(paths, ContainerChoice::Any, with_ids);
  case Complete::RunningContainers: return commands::completion_containers(paths, ContainerChoice::Running, with_ids);
  case Complete::StoppedContainers: return commands::completion_containers(paths, ContainerChoice::Stopped, with_ids);
  case Complete::PausedContainers: return commands::completion_containers(paths, ContainerChoice::Paused, with_ids);
  case Complete::Images: return commands::completion_images(paths, with_ids);
  case Complete::Volumes: return commands::completion_volumes(paths);
  default: return {};
  }
}

// A source that never throws: a store that cannot be read offers nothing.
std::vector<std::string> quiet_store_values(Complete kind, std::string_view typed, const StoreSelection& where) {
  try {
    return store_values(kind, typed, where);
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace

int handle_completion(Invocation& inv) {
  std::string script = completion_script(inv.table(), inv.args().at(0));
  std::fwrite(script.data(), 1, script.size(), stdout);
  return 0;
}

int handle_complete(Invocation& inv) {
  // Whatever goes wrong, the shell must not see it: stderr goes nowhere
  // (a warning would be drawn over the command line) and the exit is 0.
  int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null_fd >= 0) {
    ::dup2(null_fd, STDERR_FILENO);
    ::close(null_fd);
  }
  try {
    CompletionResult result = complete_words(inv.table(), inv.args(), quiet_store_values);
    std::string text = completion_output(result);
    std::fwrite(text.data(), 1, text.size(), stdout);
  } catch (const std::exception&) {
    // No candidates.
  }
  return 0;
}

}  // namespace kayak::cli
