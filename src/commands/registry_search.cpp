// The registry-independent half of `search`: terms, filters, rows. The
// HTTP half is registry_search_remote.cpp.
#include "kayak/commands/registry_search.hpp"

#include "kayak/image/reference.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"
#include "kayak/util/text_width.hpp"

#include <algorithm>

namespace kayak::commands {

namespace {

constexpr size_t kDescriptionWidth = 45;

bool names_registry(std::string_view part) {
  return part.find('.') != std::string_view::npos || part.find(':') != std::string_view::npos ||
         part == "localhost";
}

std::string normalize_registry(std::string registry) {
  if (registry == "index.docker.io" || registry == "registry-1.docker.io") return "docker.io";
  return registry;
}

// Docker's filter booleans: true/1 and false/0, any case.
std::optional<bool> parse_filter_bool(std::string_view value) {
  std::string lower = str::to_lower(value);
  if (lower == "true" || lower == "1") return true;
  if (lower == "false" || lower == "0") return false;
  return std::nullopt;
}

}  // namespace

SearchTerm parse_search_term(std::string_view text) {
  auto slash = text.find('/');
  if (slash != std::string_view::npos && names_registry(text.substr(0, slash))) {
    return {normalize_registry(std::string(text.substr(0, slash))), std::string(text.substr(slash + 1))};
  }
  return {"docker.io", std::string(text)};
}

SearchFilter parse_search_filters(const std::vector<std::string>& specs) {
  SearchFilter filter;
  for (const auto& spec : specs) {
    auto eq = spec.find('=');
    if (eq == std::string::npos) fail("bad format of filter (expected name=value)");
    std::string key = str::to_lower(str::trim(std::string_view(spec).substr(0, eq)));
    std::string value(str::trim(std::string_view(spec).substr(eq + 1)));
    if (key == "stars") {
      auto stars = str::parse_int(value);
      if (!stars) fail("invalid filter 'stars={}'", value);
      filter.min_stars = std::max(filter.min_stars.value_or(*stars), *stars);
    } else if (key == "is-official" || key == "is-automated") {
      auto flag = parse_filter_bool(value);
      auto& slot = key == "is-official" ? filter.official : filter.automated;
      // Two different answers for one key cannot both hold.
      if (!flag || (slot && *slot != *flag)) fail("invalid filter '{}={}'", key, value);
      slot = flag;
    } else {
      fail("invalid filter '{}'", key);
    }
  }
  return filter;
}

bool search_filter_matches(const SearchFilter& filter, const SearchResult& result) {
  if (filter.min_stars && result.stars < *filter.min_stars) return false;
  if (filter.official && result.official != *filter.official) return false;
  if (filter.automated && result.automated != *filter.automated) return false;
  return true;
}

int checked_search_limit(int64_t limit) {
  if (limit == 0) return kDefaultSearchLimit;
  if (limit < 1 || limit > kMaxSearchLimit) fail("limit {} is outside the range of [1, {}]", limit, kMaxSearchLimit);
  return static_cast<int>(limit);
}

std::vector<SearchResult> parse_v1_search(std::string_view body, const std::string& registry) {
  // The body comes from the network: check every type before use.
  json::Value doc = json::parse(body, "search response");
  const json::Value* results = doc.find("results");
  if (!doc.is_object() || !results || !(results->is_array() || results->is_null())) {
    fail("invalid search response from {}: no \"results\" list", registry);
  }
  std::vector<SearchResult> rows;
  if (results->is_null()) return rows;
  for (const auto& entry : results->as_array()) {
    const json::Value* name = entry.find("name");
    if (!entry.is_object() || !name || !name->is_string() || name->as_string().empty()) {
      fail("invalid search response from {}: a result without a name", registry);
    }
    SearchResult row;
    row.index = registry;
    row.name = registry == "docker.io" ? name->as_string() : registry + "/" + name->as_string();
    row.description = entry.string_or("description");
    const json::Value& stars = entry["star_count"];
    row.stars = stars.is_number() ? stars.as_int() : 0;
    row.official = entry.bool_or("is_official");
    row.automated = entry.bool_or("is_automated");
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<SearchResult> catalog_search(const std::vector<std::string>& repositories, const std::string& registry,
                                         const std::string& term) {
  std::vector<SearchResult> rows;
  for (const auto& repository : repositories) {
    if (repository.find(term) == std::string::npos) continue;
    SearchResult row;
    row.index = registry;
    row.name = registry + "/" + repository;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<SearchResult> filter_search_results(std::vector<SearchResult> results, const SearchFilter& filter,
                                                int limit) {
  std::vector<SearchResult> kept;
  for (auto& row : results) {
    if (static_cast<int>(kept.size()) >= limit) break;
    if (search_filter_matches(filter, row)) kept.push_back(std::move(row));
  }
  return kept;
}

std::string search_description(std::string_view description, bool no_trunc) {
  std::string flat(description);
  std::replace(flat.begin(), flat.end(), '\n', ' ');
  std::replace(flat.begin(), flat.end(), '\r', ' ');
  return no_trunc ? flat : text::ellipsis(flat, kDescriptionWidth);
}

json::Value search_row(const SearchResult& result, bool no_trunc) {
  json::Value row = json::Value::object();
  row.set("Index", result.index);
  row.set("Name", result.name);
  row.set("Description", search_description(result.description, no_trunc));
  row.set("Stars", result.stars);
  row.set("Official", result.official ? "[OK]" : "");
  row.set("Automated", result.automated ? "[OK]" : "");
  row.set("Tag", "");
  return row;
}

json::Value tag_row(const std::string& repository, const std::string& tag) {
  json::Value row = json::Value::object();
  row.set("Name", repository);
  row.set("Tag", tag);
  return row;
}

TagsTarget parse_tags_target(std::string_view term) {
  image::Reference ref = image::parse_reference(term, /*add_latest=*/false);
  if (!ref.tag.empty() || !ref.digest.empty()) {
    fail("reference \"{}\" must be a repository name without a tag or digest to list its tags", term);
  }
  return {ref.domain, ref.path};
}

}  // namespace kayak::commands
