// Top-level methods of a row (Docker's `{{.Label "key"}}`).
#include "kayak/format/table.hpp"
#include "kayak/format/template.hpp"
#include "kayak/util/error.hpp"

#include <doctest/doctest.h>

using namespace kayak;

TEST_CASE("format: a declared row method takes arguments and piped values") {
  format::ExecuteOptions options;
  options.root_type = "container.Summary";
  options.methods["Label"] = [](const json::Value& row, const std::vector<json::Value>& args) -> json::Value {
    return row["Name"].as_string() + ":" + args.at(0).as_string();
  };
  json::Value row = json::parse(R"({"Name":"web"})");
  CHECK(format::Template::parse(R"({{.Label "k"}})").execute(row, options) == "web:k");
  CHECK(format::Template::parse(R"({{"p" | .Label}})").execute(row, options) == "web:p");
  CHECK(format::Template::parse(R"({{.Label "k" | upper}})").execute(row, options) == "WEB:K");
  // Fields with arguments are still errors, and unknown fields still fail.
  CHECK_THROWS_AS(format::Template::parse(R"({{.Name "x"}})").execute(row, options), Error);
  CHECK_THROWS_AS(format::Template::parse("{{.Nope}}").execute(row, options), Error);

  format::ListFormat list;
  list.default_table = "table {{.Name}}";
  list.methods = options.methods;
  CHECK(format::render_list(R"(table {{.Name}}\t{{.Label "x"}})", {row}, list) == "NAME      LABEL\nweb       web:x\n");
}
