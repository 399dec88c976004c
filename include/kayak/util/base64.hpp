// Base64 (RFC 4648, standard alphabet, padded): HTTP Basic credentials.
#pragma once

#include <string>
#include <string_view>

namespace kayak {

std::string base64_encode(std::string_view data);

}  // namespace kayak
