// `search`: repositories on a registry matching a term, and `search
// --list-tags`: the tags of one repository.
//
// docker.io is searched with Docker Hub's /v1/search; other registries
// ("quay.io/term", "127.0.0.1:5000/term") with their /v1/search first and,
// when they have none, with /v2/_catalog filtered by the term. The parts
// that turn registry answers into rows are pure functions, tested without
// a registry; search() and list_tags() do the HTTP through registry::Client.
#pragma once

#include "kayak/util/json.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::commands {

// Docker's default and bounds for --limit.
inline constexpr int kDefaultSearchLimit = 25;
inline constexpr int kMaxSearchLimit = 100;

// "nginx" -> {docker.io, nginx}; "quay.io/org/x" -> {quay.io, org/x};
// "localhost/x", "host:5000/x": the first part names a registry when it
// contains '.' or ':' or is "localhost"; index.docker.io is docker.io.
struct SearchTerm {
  std::string registry;
  std::string term;
};
SearchTerm parse_search_term(std::string_view text);

// One search result as the registry described it.
struct SearchResult {
  std::string index;        // the registry searched: "docker.io", "quay.io"
  std::string name;         // as printed: Docker Hub's "nginx", "bitnami/nginx";
                            // "quay.io/org/x" for other registries
  std::string description;
  int64_t stars = 0;
  bool official = false;
  bool automated = false;
};

// --filter stars=N | is-official=BOOL | is-automated=BOOL, as Docker
// checks them: "invalid filter 'KEY'", "invalid filter 'stars=abc'",
// "bad format of filter (expected name=value)". Stars given more than once:
// the largest wins.
struct SearchFilter {
  std::optional<int64_t> min_stars;
  std::optional<bool> official;
  std::optional<bool> automated;
  bool empty() const { return !min_stars && !official && !automated; }
};
SearchFilter parse_search_filters(const std::vector<std::string>& specs);
bool search_filter_matches(const SearchFilter& filter, const SearchResult& result);

// --limit: 0 means the default (25); otherwise 1..100 or
// "limit N is outside the range of [1, 100]".
int checked_search_limit(int64_t limit);

// Rows from a /v1/search body (Docker Hub's shape: {"results": [{"name",
// "description", "star_count", "is_official", "is_automated"}]}). Names are
// kept as Docker Hub sends them for docker.io and prefixed with the
// registry otherwise. A body that is not that shape is an error.
std::vector<SearchResult> parse_v1_search(std::string_view body, const std::string& registry);

// Rows from a catalog: the repositories whose name contains term, as
// registry/name without description or stars.
std::vector<SearchResult> catalog_search(const std::vector<std::string>& repositories, const std::string& registry,
                                         const std::string& term);

// Filters, then keeps at most limit rows.
std::vector<SearchResult> filter_search_results(std::vector<SearchResult> results, const SearchFilter& filter,
                                                int limit);

// The description as a table shows it: line breaks as spaces, cut at 45
// columns with "…" unless no_trunc.
std::string search_description(std::string_view description, bool no_trunc);

// A row for the format engine: Index, Name, Description, Stars (a number),
// Official and Automated ("[OK]" or ""), Tag ("").
json::Value search_row(const SearchResult& result, bool no_trunc);
// A --list-tags row: Name (the full repository name), Tag.
json::Value tag_row(const std::string& repository, const std::string& tag);

// For --list-tags: the repository the term names, fully qualified
// ("alpine" -> "docker.io/library/alpine"). A tag or digest is an error.
struct TagsTarget {
  std::string registry;    // "docker.io"
  std::string repository;  // "library/alpine"
  std::string name() const { return registry + "/" + repository; }
};
TagsTarget parse_tags_target(std::string_view term);

// What search() and list_tags() need to reach the registry.
struct SearchOptions {
  // --tls-verify; unset: registries.conf and loopback decide (as pull).
  std::optional<bool> tls_verify;
  std::string authfile;  // --authfile: credentials from this file first
};

// Searches the registry the term names: /v1/search (n = limit), falling
// back to the catalog when the registry has no v1 search; filters and
// limits.
std::vector<SearchResult> search(const std::string& term, int limit, const SearchFilter& filter,
                                 const SearchOptions& options);

// Every tag of the repository (following Link pagination); at most limit
// when limit > 0.
std::vector<std::string> list_tags(const TagsTarget& target, int limit, const SearchOptions& options);

}  // namespace kayak::commands
