// The pieces convert_unit_file is made of: what every kind of file shares
// (sections passed through, [Install] targets) and one function per kind.
#pragma once

#include "kayak/quadlet/convert.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace kayak::quadlet {

// One source file on its way to a unit.
struct ConvertJob {
  std::string path;       // the source, for SourcePath and messages
  std::string stem;       // "web" of web.container
  const UnitFile& source;
  const ConvertOptions& options;
  Conversion& result;

  void error(int line, std::string message) { result.errors.push_back({line, std::move(message)}); }
  void warning(int line, std::string message) { result.warnings.push_back({line, std::move(message)}); }
};

// Checks that the kind section (e.g. "Container") is present and that it
// holds only known keys; other sections must be Unit, Service, Install or
// an X- extension.
void check_layout(ConvertJob& job, std::string_view kind_section, const std::vector<std::string_view>& known_keys);

// The generated unit around what a kind adds: [Unit] with SourcePath and
// the user's entries, the kind section kept as X-<kind> for reference,
// [Service] with `service` first and the user's entries after (so the
// user's win), [Install] and X- sections as written.
UnitFile assemble_unit(ConvertJob& job, std::string_view kind_section, const std::vector<UnitEntry>& unit_extra,
                       const std::vector<UnitEntry>& service);

// Collects [Install] WantedBy= / RequiredBy= targets into the result.
void collect_install(ConvertJob& job, GeneratedUnit& unit);

// An Exec line: words quoted for systemd.
std::string exec_line(const std::vector<std::string>& words);

// The name kayak gives the volume of a NAME.volume file (VolumeName= or
// "systemd-NAME").
std::string quadlet_volume_name(std::string_view stem);
// The same, for a volume another file refers to: its VolumeName= when the
// generator found that file.
std::string referenced_volume_name(const ConvertOptions& options, const std::string& stem);
// Whether a VolumeName= value can name a volume.
bool valid_volume_name(std::string_view name);

void convert_container(ConvertJob& job);
void convert_volume(ConvertJob& job);

}  // namespace kayak::quadlet
