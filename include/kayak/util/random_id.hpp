// Random identifiers: 64 lower-case hex digits from getrandom(2), as Docker
// makes container and anonymous volume IDs.
#pragma once

#include <string>

namespace kayak {

std::string random_hex_id();

}  // namespace kayak
