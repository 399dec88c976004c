// volume rm and volume prune.
#include "kayak/commands/volume.hpp"

#include "kayak/util/error.hpp"

#include <algorithm>

namespace kayak::commands {

namespace {

struct PruneFilters {
  std::vector<std::string> with;     // label=
  std::vector<std::string> without;  // label!=
};

PruneFilters parse_prune_filters(const std::vector<std::string>& specs) {
  PruneFilters filters;
  for (const auto& spec : specs) {
    auto eq = spec.find('=');
    if (eq == std::string::npos) fail("bad format of filter (expected name=value): {}", spec);
    std::string key = spec.substr(0, eq);
    if (key == "label") filters.with.push_back(spec.substr(eq + 1));
    else if (key == "label!") filters.without.push_back(spec.substr(eq + 1));
    else fail("invalid filter '{}'", key);
  }
  return filters;
}

}  // namespace

std::vector<VolumeItem> remove_volumes(store::Context& ctx, const std::vector<std::string>& names, bool force) {
  store::VolumeStore volumes(ctx.store().root());
  std::vector<VolumeItem> items;
  for (const auto& name : names) {
    VolumeItem item;
    item.name = name;
    try {
      if (force && !volumes.exists(name)) {
        items.push_back(std::move(item));
        continue;
      }
      volumes.remove(ctx, name);
    } catch (const Error& e) {
      item.error = e.what();
      item.exit_code = e.exit_code();
    }
    items.push_back(std::move(item));
  }
  return items;
}

VolumePruneReport prune_volumes(store::Context& ctx, const VolumePruneOptions& options) {
  PruneFilters filters = parse_prune_filters(options.filters);
  store::VolumeStore volumes(ctx.store().root());
  auto users = store::volume_users(ctx.store().root());
  VolumePruneReport report;
  for (const auto& record : volumes.list()) {
    if (users.count(record.name)) continue;
    // Docker >= 23 prunes only the volumes it made for containers, unless --all.
    if (!options.all && !record.has_label(store::kAnonymousVolumeLabel)) continue;
    if (!std::all_of(filters.with.begin(), filters.with.end(), [&](const auto& l) { return record.has_label(l); })) continue;
    if (std::any_of(filters.without.begin(), filters.without.end(), [&](const auto& l) { return record.has_label(l); })) continue;
    try {
      report.reclaimed += volumes.remove(ctx, record.name);
      report.deleted.push_back(record.name);
    } catch (const Error&) {
      // In use by a container created since the scan, or removed by someone
      // else meanwhile: either way not ours to delete.
    }
  }
  return report;
}

}  // namespace kayak::commands
