// The JSON spellings of seccomp actions and comparisons (Docker's profile
// format), shared by the parser, the JSON writer and the compiler's errors.
#pragma once

#include "kayak/runtime/seccomp.hpp"

#include <optional>
#include <string_view>

namespace kayak::runtime::seccomp_names {

std::string_view action_name(SeccompAction action);        // "SCMP_ACT_ERRNO"
std::optional<SeccompAction> parse_action(std::string_view name);
std::string_view op_name(SeccompOp op);                    // "SCMP_CMP_MASKED_EQ"
std::optional<SeccompOp> parse_op(std::string_view name);

}  // namespace kayak::runtime::seccomp_names
