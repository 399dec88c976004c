// registries.conf TOML -> RawConfig. toml++ is used header-only and only in
// this file: it then costs no shared library at every kayak start (most
// commands never read registries.conf), and its templates are compiled once.
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

#include "registries_conf_file.hpp"

#include "kayak/util/error.hpp"

namespace kayak::registry::detail {

namespace {

class Reader {
public:
  explicit Reader(const std::string& file) : file_(file) {}

  [[noreturn]] void type_error(const toml::node& node, std::string_view key, std::string_view expected) const {
    fail("{}:{}:{}: {} must be {}", file_, node.source().begin.line, node.source().begin.column, key, expected);
  }

  std::string string_at(const toml::table& table, std::string_view key) const {
    const toml::node* node = table.get(key);
    if (!node) return "";
    if (!node->is_string()) type_error(*node, key, "a string");
    return std::string(node->as_string()->get());
  }

  bool bool_at(const toml::table& table, std::string_view key) const {
    const toml::node* node = table.get(key);
    if (!node) return false;
    if (!node->is_boolean()) type_error(*node, key, "a boolean");
    return node->as_boolean()->get();
  }

  std::optional<std::vector<std::string>> strings_at(const toml::table& table, std::string_view key) const {
    const toml::node* node = table.get(key);
    if (!node) return std::nullopt;
    if (!node->is_array()) type_error(*node, key, "an array of strings");
    std::vector<std::string> out;
    for (const toml::node& item : *node->as_array()) {
      if (!item.is_string()) type_error(item, key, "an array of strings");
      out.emplace_back(item.as_string()->get());
    }
    return out;
  }

  // An array of tables ([[registry]], [[registry.mirror]]); a single table
  // is refused, as it is a common typo for the array form.
  std::vector<const toml::table*> tables_at(const toml::table& table, std::string_view key) const {
    std::vector<const toml::table*> out;
    const toml::node* node = table.get(key);
    if (!node) return out;
    if (!node->is_array_of_tables()) type_error(*node, key, fmt::format("an array of tables ([[{}]])", key));
    for (const toml::node& item : *node->as_array()) out.push_back(item.as_table());
    return out;
  }

  RawMirror mirror(const toml::table& table) const {
    RawMirror m;
    m.location = string_at(table, "location");
    m.insecure = bool_at(table, "insecure");
    m.pull_from_mirror = string_at(table, "pull-from-mirror");
    m.line = static_cast<int>(table.source().begin.line);
    return m;
  }

  RawRegistry registry(const toml::table& table) const {
    RawRegistry r;
    r.prefix = string_at(table, "prefix");
    r.location = string_at(table, "location");
    r.insecure = bool_at(table, "insecure");
    r.blocked = bool_at(table, "blocked");
    r.mirror_by_digest_only = bool_at(table, "mirror-by-digest-only");
    r.pull_from_mirror = string_at(table, "pull-from-mirror");
    for (const toml::table* m : tables_at(table, "mirror")) r.mirrors.push_back(mirror(*m));
    r.line = static_cast<int>(table.source().begin.line);
    return r;
  }

  void v1(const toml::table& root, RawConfig& out) const {
    const toml::node* node = root.get("registries");
    if (!node) return;
    if (!node->is_table()) type_error(*node, "registries", "a table");
    const toml::table& registries = *node->as_table();
    auto list = [&](std::string_view name, std::vector<std::string>& into) {
      const toml::node* sub = registries.get(name);
      if (!sub) return;
      if (!sub->is_table()) type_error(*sub, name, "a table");
      if (auto values = strings_at(*sub->as_table(), "registries")) into = *values;
    };
    list("search", out.v1_search);
    list("insecure", out.v1_insecure);
    list("block", out.v1_block);
    out.has_v1 = !out.v1_search.empty() || !out.v1_insecure.empty() || !out.v1_block.empty();
  }

private:
  const std::string& file_;
};

}  // namespace

RawConfig parse_registries_toml(std::string_view text, const std::string& file) {
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(file));
  } catch (const toml::parse_error& e) {
    fail("{}:{}:{}: {}", file, e.source().begin.line, e.source().begin.column, e.description());
  }
  Reader reader(file);
  RawConfig out;
  for (const toml::table* table : reader.tables_at(root, "registry")) out.registries.push_back(reader.registry(*table));
  out.unqualified_search = reader.strings_at(root, "unqualified-search-registries");
  if (const toml::node* node = root.get("aliases")) {
    if (!node->is_table()) reader.type_error(*node, "aliases", "a table");
    for (const auto& [key, value] : *node->as_table()) {
      if (!value.is_string()) reader.type_error(value, key.str(), "a string");
      out.aliases.emplace_back(std::string(key.str()), std::string(value.as_string()->get()));
    }
  }
  reader.v1(root, out);
  return out;
}

}  // namespace kayak::registry::detail
