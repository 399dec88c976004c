// search: terms, filters, v1 and catalog answers, rows (no registry needed).
#include "kayak/commands/registry_search.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/text_width.hpp"

#include <doctest/doctest.h>

using namespace kayak;
using namespace kayak::commands;

namespace {

std::string error_of(auto&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

constexpr const char* kHubBody = R"({
  "num_pages": 1, "num_results": 4, "page_size": 25, "query": "nginx", "page": 1,
  "results": [
    {"name": "nginx", "description": "Official build of Nginx.", "star_count": 20563,
     "is_official": true, "is_automated": false},
    {"name": "bitnami/nginx", "description": "Bitnami container image for NGINX, a fast and secure web server",
     "star_count": 192, "is_official": false, "is_automated": false},
    {"name": "kayaktest/nginx-autobuild", "description": "line one\nline two", "star_count": 12,
     "is_official": false, "is_automated": true},
    {"name": "kayaktest/bare"}
  ]})";

}  // namespace

TEST_CASE("search: the term names Docker Hub unless its first part is a registry") {
  auto check = [](const char* text, const char* registry, const char* term) {
    auto t = parse_search_term(text);
    CHECK(t.registry == registry);
    CHECK(t.term == term);
  };
  check("nginx", "docker.io", "nginx");
  check("bitnami/nginx", "docker.io", "bitnami/nginx");
  check("quay.io/nginx", "quay.io", "nginx");
  check("quay.io/org/nginx", "quay.io", "org/nginx");
  check("127.0.0.1:5000/nginx", "127.0.0.1:5000", "nginx");
  check("localhost/x", "localhost", "x");
  check("index.docker.io/nginx", "docker.io", "nginx");
  check("docker.io/library/nginx", "docker.io", "library/nginx");
}

TEST_CASE("search: Docker Hub's v1 answer becomes rows, names as Hub sends them") {
  auto rows = parse_v1_search(kHubBody, "docker.io");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].index == "docker.io");
  CHECK(rows[0].name == "nginx");
  CHECK(rows[0].stars == 20563);
  CHECK(rows[0].official);
  CHECK_FALSE(rows[0].automated);
  CHECK(rows[2].automated);
  CHECK(rows[3].description.empty());
  CHECK(rows[3].stars == 0);

  // Elsewhere the registry is part of the name, so it can be pulled.
  auto quay = parse_v1_search(kHubBody, "quay.io");
  CHECK(quay[1].name == "quay.io/bitnami/nginx");
  CHECK(quay[1].index == "quay.io");
}

TEST_CASE("search: a v1 answer of the wrong shape is an error, not a crash") {
  CHECK(error_of([] { parse_v1_search("[]", "r"); }) == "invalid search response from r: no \"results\" list");
  CHECK(error_of([] { parse_v1_search(R"({"results": 3})", "r"); }).find("no \"results\" list") != std::string::npos);
  CHECK(error_of([] { parse_v1_search(R"({"results": [{"name": 1}]})", "r"); }) ==
        "invalid search response from r: a result without a name");
  CHECK(error_of([] { parse_v1_search(R"({"results": ["x"]})", "r"); }).find("without a name") != std::string::npos);
  CHECK(error_of([] { parse_v1_search("{", "r"); }) != "(no error)");
  // Odd but harmless fields are tolerated.
  auto rows = parse_v1_search(R"({"results": [{"name": "a", "star_count": "many", "is_official": "yes"}]})", "r");
  CHECK(rows[0].stars == 0);
  CHECK_FALSE(rows[0].official);
  CHECK(parse_v1_search(R"({"results": null})", "r").empty());
}

TEST_CASE("search: the catalog is filtered by the term, names get the registry") {
  std::vector<std::string> repos = {"library/nginx", "library/redis", "bitnami/nginx", "tools/nginxtra"};
  auto rows = catalog_search(repos, "127.0.0.1:5000", "nginx");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].name == "127.0.0.1:5000/library/nginx");
  CHECK(rows[2].name == "127.0.0.1:5000/tools/nginxtra");
  CHECK(rows[0].description.empty());
  CHECK(rows[0].stars == 0);
  CHECK(catalog_search(repos, "r", "NGINX").empty());  // as the catalog spells it
}

TEST_CASE("search: filters as Docker parses and applies them") {
  auto rows = parse_v1_search(kHubBody, "docker.io");
  auto names = [](const std::vector<SearchResult>& rs) {
    std::string out;
    for (const auto& r : rs) out += r.name + " ";
    return out;
  };
  CHECK(names(filter_search_results(rows, parse_search_filters({"stars=100"}), 25)) == "nginx bitnami/nginx ");
  CHECK(names(filter_search_results(rows, parse_search_filters({"is-official=true"}), 25)) == "nginx ");
  CHECK(names(filter_search_results(rows, parse_search_filters({"is-official=false", "stars=1"}), 25)) ==
        "bitnami/nginx kayaktest/nginx-autobuild ");
  CHECK(names(filter_search_results(rows, parse_search_filters({"is-automated=1"}), 25)) ==
        "kayaktest/nginx-autobuild ");
  // The largest of several star filters wins; limit counts kept rows.
  CHECK(names(filter_search_results(rows, parse_search_filters({"stars=200", "stars=10"}), 25)) == "nginx ");
  CHECK(names(filter_search_results(rows, parse_search_filters({}), 2)) == "nginx bitnami/nginx ");
  CHECK(names(filter_search_results(rows, parse_search_filters({"stars=0"}), 2)) == "nginx bitnami/nginx ");
  CHECK(parse_search_filters({" Stars = 5 "}).min_stars == 5);

  CHECK(error_of([] { parse_search_filters({"stars"}); }) == "bad format of filter (expected name=value)");
  CHECK(error_of([] { parse_search_filters({"stars=abc"}); }) == "invalid filter 'stars=abc'");
  CHECK(error_of([] { parse_search_filters({"is-official=maybe"}); }) == "invalid filter 'is-official=maybe'");
  CHECK(error_of([] { parse_search_filters({"is-official=true", "is-official=false"}); }) ==
        "invalid filter 'is-official=false'");
  CHECK(error_of([] { parse_search_filters({"name=x"}); }) == "invalid filter 'name'");
}

TEST_CASE("search: --limit is 1..100, 0 meaning the default 25") {
  CHECK(checked_search_limit(0) == 25);
  CHECK(checked_search_limit(1) == 1);
  CHECK(checked_search_limit(100) == 100);
  CHECK(error_of([] { checked_search_limit(101); }) == "limit 101 is outside the range of [1, 100]");
  CHECK(error_of([] { checked_search_limit(-1); }) == "limit -1 is outside the range of [1, 100]");
}

TEST_CASE("search: descriptions are flattened and cut at 45 columns with an ellipsis") {
  std::string exact(45, 'x');
  CHECK(search_description(exact, false) == exact);
  CHECK(search_description(exact + "y", false) == std::string(44, 'x') + "…");
  CHECK(search_description(exact + "y", true) == exact + "y");
  CHECK(search_description("a\nb\r\nc", true) == "a b  c");
  CHECK(search_description("Bitnami container image for NGINX, a fast and secure web server", false) ==
        "Bitnami container image for NGINX, a fast an…");
  // Columns, not bytes: umlauts take one column, CJK two.
  std::string umlauts = "Nginx für Übungen — ein schönes Bild mit Umlauten äöü und mehr";
  CHECK(text::display_width(search_description(umlauts, false)) == 45);
  CHECK(search_description(umlauts, false) == "Nginx für Übungen — ein schönes Bild mit Uml…");
  std::string wide;
  for (int i = 0; i < 11; ++i) wide += "漢字";  // 22 characters, 44 columns
  CHECK(search_description(wide, false) == wide);
  std::string wider = wide + "漢字";  // 48 columns: 22 characters (44 columns) fit before "…"
  auto cut = search_description(wider, false);
  CHECK(text::display_width(cut) == 45);
  CHECK(cut == wide + "…");
}

TEST_CASE("search: rows carry podman's fields with Docker's [OK] marks") {
  auto rows = parse_v1_search(kHubBody, "docker.io");
  json::Value row = search_row(rows[0], false);
  CHECK(row["Index"].as_string() == "docker.io");
  CHECK(row["Name"].as_string() == "nginx");
  CHECK(row["Stars"].as_int() == 20563);
  CHECK(row["Official"].as_string() == "[OK]");
  CHECK(row["Automated"].as_string() == "");
  CHECK(row["Tag"].as_string() == "");
  CHECK(search_row(rows[1], false)["Description"].as_string() == "Bitnami container image for NGINX, a fast an…");
  CHECK(search_row(rows[1], true)["Description"].as_string() ==
        "Bitnami container image for NGINX, a fast and secure web server");
  CHECK(search_row(rows[2], false)["Automated"].as_string() == "[OK]");
  json::Value tag = tag_row("docker.io/library/alpine", "3.20");
  CHECK(tag["Name"].as_string() == "docker.io/library/alpine");
  CHECK(tag["Tag"].as_string() == "3.20");
}

TEST_CASE("search --list-tags: the term is a repository, fully qualified") {
  auto t = parse_tags_target("alpine");
  CHECK(t.registry == "docker.io");
  CHECK(t.repository == "library/alpine");
  CHECK(t.name() == "docker.io/library/alpine");
  CHECK(parse_tags_target("127.0.0.1:5000/library/nginx").name() == "127.0.0.1:5000/library/nginx");
  CHECK(parse_tags_target("quay.io/podman/stable").repository == "podman/stable");
  CHECK(error_of([] { parse_tags_target("alpine:3.20"); }).find("without a tag or digest") != std::string::npos);
  CHECK(error_of([] { parse_tags_target("Alpine"); }).find("must be lowercase") != std::string::npos);
}

TEST_CASE("text: display width and ellipsis") {
  CHECK(text::display_width("") == 0);
  CHECK(text::display_width("abc") == 3);
  CHECK(text::display_width("äöü") == 3);
  CHECK(text::display_width("漢字") == 4);
  CHECK(text::display_width("e\xCC\x81") == 1);   // e + combining acute
  CHECK(text::display_width("\xFF\xFE") == 2);    // invalid bytes: one column each
  CHECK(text::display_width("\xE6\xBC") == 2);    // truncated sequence
  CHECK(text::ellipsis("abcdef", 6) == "abcdef");
  CHECK(text::ellipsis("abcdefg", 6) == "abcde…");
  CHECK(text::ellipsis("漢字漢字", 5) == "漢字…");
  CHECK(text::ellipsis("漢字漢字", 4) == "漢…");
  CHECK(text::ellipsis("漢字", 4) == "漢字");
  CHECK(text::ellipsis("a漢字", 3) == "a…");
  CHECK(text::ellipsis("abc", 0) == "");
}
