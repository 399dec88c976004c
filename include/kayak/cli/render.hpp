// Printing command results the Docker way: a default table, or the user's
// --format (a Go template, "table ..." with headers, or "json").
#pragma once

#include "kayak/format/template.hpp"
#include "kayak/util/json.hpp"

#include <map>
#include <string>
#include <vector>

namespace kayak::cli {

// Field name -> column header ("ID" -> "IMAGE ID").
using HeaderMap = std::map<std::string, std::string>;

// user_format empty: default_table. "json": one JSON object per row.
// row_type names the rows in errors about unknown fields, as Docker's Go
// structs do ("can't evaluate field Nope in type image.Summary").
// methods: the rows' template methods (Docker's `.Label "key"`).
void render_rows(const std::vector<json::Value>& rows, const std::string& user_format,
                 const std::string& default_table, const HeaderMap& headers, const std::string& row_type,
                 const format::Methods& methods = {});

// One object through a template (inspect -f, info --format); "json" prints
// it as compact JSON. An unknown top-level field is an error naming type
// (when given).
void render_object(const json::Value& object, const std::string& format, const std::string& type = "");

}  // namespace kayak::cli
