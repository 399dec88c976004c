// NAME.volume -> NAME-volume.service: a oneshot that creates the volume
// (systemd-NAME, or VolumeName=) once; containers naming NAME.volume as a
// Volume= source require it.
#include "convert_parts.hpp"

#include "kayak/util/error.hpp"

#include <fmt/format.h>

namespace kayak::quadlet {

namespace {

const std::vector<std::string_view> kVolumeKeys = {"VolumeName", "Label", "Driver"};

}  // namespace

void convert_volume(ConvertJob& job) {
  check_layout(job, "Volume", kVolumeKeys);
  const UnitFile& src = job.source;
  std::vector<std::string> args = {job.options.kayak_binary, "volume", "create", "--ignore"};
  std::string name = quadlet_volume_name(job.stem);
  if (const auto* e = src.last("Volume", "VolumeName")) {
    if (!valid_volume_name(e->value)) {
      job.error(e->line, fmt::format("VolumeName: invalid name '{}'", e->value));
    } else {
      name = e->value;
    }
  }
  if (const auto* e = src.last("Volume", "Driver")) {
    if (e->value != "local") {
      job.error(e->line, fmt::format("Driver: '{}' is not supported (only local)", e->value));
    } else {
      args.push_back("--driver=local");
    }
  }
  for (const auto* e : src.values("Volume", "Label")) {
    try {
      for (const auto& word : split_unit_words(e->value)) {
        size_t eq = word.find('=');
        if (eq == 0 || eq == std::string::npos) {
          job.error(e->line, fmt::format("Label: '{}' is not KEY=VALUE", word));
          continue;
        }
        args.push_back("--label=" + word);
      }
    } catch (const Error& err) {
      job.error(e->line, fmt::format("Label: {}", err.what()));
    }
  }
  if (!job.result.errors.empty()) return;
  args.push_back(name);

  std::vector<UnitEntry> service = {
    {"Type", "oneshot", 0},
    {"RemainAfterExit", "yes", 0},
    {"SyslogIdentifier", "%N", 0},
    {"ExecStart", exec_line(args), 0},
  };
  GeneratedUnit unit;
  unit.name = job.stem + "-volume.service";
  unit.text = assemble_unit(job, "Volume", {}, service).to_string();
  collect_install(job, unit);
  if (job.result.errors.empty()) job.result.unit = std::move(unit);
}

}  // namespace kayak::quadlet
