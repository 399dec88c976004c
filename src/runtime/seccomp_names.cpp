#include "seccomp_names.hpp"

#include <array>
#include <utility>

namespace kayak::runtime::seccomp_names {
namespace {

constexpr std::array<std::pair<SeccompAction, std::string_view>, 8> kActions = {{
  {SeccompAction::Allow, "SCMP_ACT_ALLOW"},
  {SeccompAction::Errno, "SCMP_ACT_ERRNO"},
  {SeccompAction::KillThread, "SCMP_ACT_KILL"},
  {SeccompAction::KillProcess, "SCMP_ACT_KILL_PROCESS"},
  {SeccompAction::Trap, "SCMP_ACT_TRAP"},
  {SeccompAction::Trace, "SCMP_ACT_TRACE"},
  {SeccompAction::Log, "SCMP_ACT_LOG"},
  {SeccompAction::Notify, "SCMP_ACT_NOTIFY"},
}};

constexpr std::array<std::pair<SeccompOp, std::string_view>, 7> kOps = {{
  {SeccompOp::NotEqual, "SCMP_CMP_NE"},
  {SeccompOp::LessThan, "SCMP_CMP_LT"},
  {SeccompOp::LessEqual, "SCMP_CMP_LE"},
  {SeccompOp::Equal, "SCMP_CMP_EQ"},
  {SeccompOp::GreaterEqual, "SCMP_CMP_GE"},
  {SeccompOp::GreaterThan, "SCMP_CMP_GT"},
  {SeccompOp::MaskedEqual, "SCMP_CMP_MASKED_EQ"},
}};

}  // namespace

std::string_view action_name(SeccompAction action) {
  for (const auto& [value, name] : kActions) {
    if (value == action) return name;
  }
  return "SCMP_ACT_?";
}

std::optional<SeccompAction> parse_action(std::string_view name) {
  // SCMP_ACT_KILL_THREAD is the OCI spelling of SCMP_ACT_KILL.
  if (name == "SCMP_ACT_KILL_THREAD") return SeccompAction::KillThread;
  for (const auto& [value, known] : kActions) {
    if (known == name) return value;
  }
  return std::nullopt;
}

std::string_view op_name(SeccompOp op) {
  for (const auto& [value, name] : kOps) {
    if (value == op) return name;
  }
  return "SCMP_CMP_?";
}

std::optional<SeccompOp> parse_op(std::string_view name) {
  for (const auto& [value, known] : kOps) {
    if (known == name) return value;
  }
  return std::nullopt;
}

}  // namespace kayak::runtime::seccomp_names
