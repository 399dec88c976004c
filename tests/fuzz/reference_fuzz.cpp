// libFuzzer target: image references. Besides not crashing, every accepted
// reference must print in a form that parses back to the same reference,
// in full and in familiar form, and stay within the grammar's limits.
#include "kayak/image/reference.hpp"
#include "kayak/util/error.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace kayak;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)image::looks_like_id(text);
  for (bool add_latest : {true, false}) {
    image::Reference ref;
    try {
      ref = image::parse_reference(text, add_latest);
    } catch (const Error&) {
      continue;
    }
    if (ref.domain.empty() || ref.path.empty() || ref.path.size() > 255) std::abort();
    if (add_latest && ref.tag.empty() && ref.digest.empty()) std::abort();
    if (image::parse_reference(ref.str(), add_latest) != ref) std::abort();
    if (image::parse_reference(ref.familiar(), add_latest) != ref) std::abort();
  }
  return 0;
}
