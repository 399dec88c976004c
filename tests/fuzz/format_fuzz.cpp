// libFuzzer target: --format templates are user input, and table cells are
// data from images. Parsing and executing any template must either work
// or throw kayak::Error with Go's "template: " prefix, and the tab writer
// must accept any text. Inputs that could legitimately run for a long time
// (large numbers for range/pad/printf widths, many nested ranges) are
// skipped: those are slow by design, not bugs.
#include "kayak/format/table.hpp"
#include "kayak/format/tabwriter.hpp"
#include "kayak/format/template.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/json.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace kayak;

namespace {

bool too_slow_by_design(std::string_view text) {
  size_t digits = 0;
  for (char c : text) {
    digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
    if (digits >= 5) return true;
  }
  size_t ranges = 0;
  for (size_t at = text.find("range"); at != std::string_view::npos; at = text.find("range", at + 1)) ++ranges;
  return ranges > 3;
}

const json::Value& sample() {
  static const json::Value data = json::parse(R"({"ID":"abc","Names":["a","b"],"Size":3,"Ratio":0.5,
    "Labels":{"k":"v"},"Ports":{"80/tcp":{}},"Nil":null,"On":true})");
  return data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)format::tabwrite(text);
  if (too_slow_by_design(text)) return 0;
  try {
    auto tmpl = format::Template::parse(text);
    (void)tmpl.execute(sample());
    (void)tmpl.execute_header({{"ID", "IMAGE ID"}});
  } catch (const Error& e) {
    if (std::string_view(e.what()).substr(0, 10) != "template: ") std::abort();
  }
  try {
    format::ListFormat list;
    list.headers = {{"ID", "IMAGE ID"}};
    (void)format::render_list(std::string("table ") + std::string(text), {sample(), sample()}, list);
  } catch (const Error& e) {
    if (std::string_view(e.what()).substr(0, 10) != "template: ") std::abort();
  }
  return 0;
}
