// Template execution over a parsed tree (see template_exec.cpp).
#pragma once

#include <string>

#include "kayak/format/template.hpp"
#include "template_tree.hpp"

namespace kayak::format::detail {

// headers: non-null to render a table header row instead of data.
std::string execute_tree(const Tree& tree, const json::Value& data, const ExecuteOptions& options,
                         const Headers* headers);

}  // namespace kayak::format::detail
