#include "kayak/util/error.hpp"

#include <cstring>

namespace kayak {

SystemError::SystemError(int err, const std::string& context)
  : Error(context + ": " + std::strerror(err)), errno_(err) {}

}  // namespace kayak
