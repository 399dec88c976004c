#include "commit_handlers.hpp"

#include "store_paths_of.hpp"

#include "kayak/commands/container_cp.hpp"
#include "kayak/commands/container_fs.hpp"
#include "kayak/store/context.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/json.hpp"

#include <fmt/format.h>

namespace kayak::cli {

int handle_container_commit(Invocation& inv) {
  const auto& args = inv.args();
  commands::CommitOptions options;
  options.container = args.at(0);
  if (args.size() > 1) options.reference = args[1];
  options.changes = inv.values("change");
  options.message = inv.value_or("message", "");
  options.author = inv.value_or("author", "");
  options.pause = inv.flag("pause");
  store::Context ctx(paths_of(inv));
  fmt::print("{}\n", commands::commit(ctx, options));
  return 0;
}

int handle_container_diff(Invocation& inv) {
  store::Context ctx(paths_of(inv));
  std::vector<store::Change> changes = commands::diff(ctx, inv.args().at(0));
  std::string format = inv.value_or("format", "");
  if (format == "json") {
    // Podman's shape: one list per kind.
    json::Value out = json::Value::object();
    for (auto [key, kind] : {std::pair{"changed", store::ChangeKind::Changed}, {"added", store::ChangeKind::Added},
                             {"deleted", store::ChangeKind::Deleted}}) {
      std::vector<std::string> paths;
      for (const auto& change : changes) {
        if (change.kind == kind) paths.push_back(change.path);
      }
      if (!paths.empty()) out.set(key, json::Value::strings(paths));
    }
    fmt::print("{}\n", json::dump(out, {.indent = 4}));
    return 0;
  }
  if (!format.empty()) fail("unsupported diff format \"{}\": only json", format);
  for (const auto& change : changes) fmt::print("{} {}\n", store::change_letter(change.kind), change.path);
  return 0;
}

int handle_container_export(Invocation& inv) {
  commands::ExportOptions options;
  options.container = inv.args().at(0);
  options.output = inv.value_or("output", "");
  store::Context ctx(paths_of(inv));
  commands::export_container(ctx, options);
  return 0;
}

int handle_container_cp(Invocation& inv) {
  commands::CopyOptions options;
  options.source = inv.args().at(0);
  options.destination = inv.args().at(1);
  options.archive = inv.flag("archive");
  options.follow_link = inv.flag("follow-link");
  store::Context ctx(paths_of(inv));
  commands::copy(ctx, options);
  return 0;
}

}  // namespace kayak::cli
