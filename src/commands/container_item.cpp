#include "kayak/commands/container_item.hpp"

#include "kayak/util/error.hpp"

namespace kayak::commands {

std::vector<ContainerItem> for_each_target(const std::vector<std::string>& targets,
                                           const std::function<std::string(const std::string&)>& fn) {
  std::vector<ContainerItem> items;
  for (const auto& target : targets) {
    ContainerItem item;
    item.target = target;
    try {
      item.line = fn(target);
    } catch (const Error& e) {
      item.error = e.what();
      item.exit_code = e.exit_code();
      item.missing = dynamic_cast<const NotFoundError*>(&e) != nullptr;
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace kayak::commands
