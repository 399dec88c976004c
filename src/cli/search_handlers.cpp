#include "search_handlers.hpp"

#include "kayak/cli/render.hpp"
#include "kayak/commands/registry_search.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"

#include <algorithm>
#include <cstdint>

namespace kayak::cli {

namespace {

const HeaderMap kSearchHeaders = {
  {"Index", "INDEX"},         {"Name", "NAME"},         {"Description", "DESCRIPTION"},
  {"Stars", "STARS"},         {"Official", "OFFICIAL"}, {"Automated", "AUTOMATED"},
  {"Tag", "TAG"},             {"StarCount", "STARS"},   {"IsOfficial", "OFFICIAL"},
  {"IsAutomated", "AUTOMATED"},
};

// Docker's names for the same fields, so Docker's templates work too.
format::Methods docker_field_aliases() {
  auto alias = [](const char* field) {
    return [field](const json::Value& row, const std::vector<json::Value>&) -> json::Value { return row[field]; };
  };
  return {{"StarCount", alias("Stars")}, {"IsOfficial", alias("Official")}, {"IsAutomated", alias("Automated")}};
}

// --limit as given, or nullopt when not given.
std::optional<int64_t> limit_flag(const Invocation& inv) {
  if (!inv.is_set("limit")) return std::nullopt;
  std::string text = inv.value_or("limit", "");
  auto n = str::parse_int(text);
  if (!n) fail("invalid argument \"{}\" for \"--limit\" flag: strconv.ParseInt: parsing \"{}\": invalid syntax", text, text);
  return *n;
}

int list_tags(Invocation& inv, const commands::SearchOptions& options) {
  if (inv.is_set("filter")) fail("filters are not applicable to list tags result");
  int limit = 0;  // all
  if (auto given = limit_flag(inv)) {
    if (*given < 1) fail("limit {} must be at least 1", *given);
    limit = static_cast<int>(std::min<int64_t>(*given, INT32_MAX));
  }
  auto target = commands::parse_tags_target(inv.args()[0]);
  std::vector<json::Value> rows;
  for (const auto& tag : commands::list_tags(target, limit, options)) {
    rows.push_back(commands::tag_row(target.name(), tag));
  }
  render_rows(rows, inv.value_or("format", ""), "table {{.Name}}\t{{.Tag}}", kSearchHeaders, "search.TagResult");
  return 0;
}

}  // namespace

int handle_search(Invocation& inv) {
  commands::SearchOptions options;
  if (inv.is_set("tls-verify")) options.tls_verify = inv.flag("tls-verify");
  options.authfile = inv.value_or("authfile", "");
  if (inv.flag("list-tags")) return list_tags(inv, options);

  // Checked before any request, as Docker does.
  int limit = commands::checked_search_limit(limit_flag(inv).value_or(0));
  auto filter = commands::parse_search_filters(inv.values("filter"));
  auto results = commands::search(inv.args()[0], limit, filter, options);
  bool no_trunc = inv.flag("no-trunc");
  std::vector<json::Value> rows;
  rows.reserve(results.size());
  for (const auto& result : results) rows.push_back(commands::search_row(result, no_trunc));
  render_rows(rows, inv.value_or("format", ""),
              "table {{.Name}}\t{{.Description}}\t{{.Stars}}\t{{.Official}}\t{{.Automated}}", kSearchHeaders,
              "search.Result", docker_field_aliases());
  return 0;
}

}  // namespace kayak::cli
