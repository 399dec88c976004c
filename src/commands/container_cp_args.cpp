// cp's argument syntax, apart from the copying (so it is testable alone).
#include "kayak/commands/container_cp.hpp"

namespace kayak::commands {

CopyEndpoint parse_copy_endpoint(const std::string& arg) {
  if (arg.starts_with("/")) return {"", arg};
  auto colon = arg.find(':');
  if (colon == std::string::npos || arg.starts_with(".")) return {"", arg};
  // "dir/x:y" is a host path too: a container name has no '/'.
  if (arg.substr(0, colon).find('/') != std::string::npos) return {"", arg};
  std::string path = arg.substr(colon + 1);
  return {arg.substr(0, colon), path.empty() ? "/" : path};
}

}  // namespace kayak::commands
