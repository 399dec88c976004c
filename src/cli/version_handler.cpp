// `kayak version`: what this binary is. There is no server, so only a
// Client section, laid out like Docker's.
#include "kayak/cli/handlers.hpp"
#include "kayak/cli/render.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/json.hpp"
#include "kayak_config.h"

#include <fmt/format.h>

namespace kayak::cli {

namespace {

// The platform this binary was built for, in Go's names (what Docker's
// "OS/Arch" line shows).
constexpr std::string_view build_arch() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#elif defined(__i386__)
  return "386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "ppc64le";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#else
  return "unknown";
#endif
}

constexpr std::string_view compiler() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "g++ " __VERSION__;
#else
  return "unknown";
#endif
}

json::Value version_report() {
  json::Value client = json::Value::object();
  client.set("Version", KAYAK_VERSION);
  client.set("Os", "linux");
  client.set("Arch", build_arch());
  client.set("OsArch", fmt::format("linux/{}", build_arch()));
  client.set("Compiler", compiler());
  json::Value report = json::Value::object();
  report.set("Client", std::move(client));
  return report;
}

}  // namespace

int handle_version(Invocation& inv) {
  json::Value report = version_report();
  if (std::optional<std::string> format = inv.value("format")) {
    render_object(report, *format);
    return 0;
  }
  const json::Value& client = report["Client"];
  fmt::print("Client:\n");
  fmt::print(" {:<12}{}\n", "Version:", client["Version"].as_string());
  fmt::print(" {:<12}{}\n", "OS/Arch:", client["OsArch"].as_string());
  fmt::print(" {:<12}{}\n", "Compiler:", client["Compiler"].as_string());
  return 0;
}

}  // namespace kayak::cli
