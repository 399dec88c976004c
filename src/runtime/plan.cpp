#include "plan.hpp"

namespace kayak::runtime::detail {

char** Plan::keep_array(const std::vector<std::string>& items, size_t spare) {
  auto& array = arrays.emplace_back();
  for (const auto& item : items) array.push_back(const_cast<char*>(keep(item)));
  array.resize(array.size() + 1 + spare, nullptr);
  return array.data();
}

Step& Plan::add(Op op, std::string description) {
  what.push_back(std::move(description));
  Step& step = steps.emplace_back();
  step.op = op;
  return step;
}

}  // namespace kayak::runtime::detail
