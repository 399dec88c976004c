// Quadlet-compatible conversion: a NAME.container or NAME.volume file
// becomes the text of NAME.service or NAME-volume.service that runs kayak.
// Keys kayak does not know, or values it cannot use, are errors with their
// line: a unit never silently loses a setting.
#pragma once

#include "kayak/quadlet/unit_file.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::quadlet {

struct ConvertOptions {
  std::string kayak_binary;  // absolute path written into Exec lines
  bool user = false;         // a user (systemd --user) generator
  // VolumeName= of the NAME.volume files found, by NAME: a container's
  // Volume=NAME.volume:/path uses it (default "systemd-NAME").
  std::map<std::string, std::string> volume_names;
};

// The VolumeName= of a .volume file's text, if it sets a usable one.
std::optional<std::string> volume_name_of(std::string_view volume_file_text);

struct GeneratedUnit {
  std::string name;  // "web.service"
  std::string text;
  // [Install] targets: the generator links the unit into
  // <target>.wants/ and <target>.requires/.
  std::vector<std::string> wanted_by, required_by;
};

struct Conversion {
  std::optional<GeneratedUnit> unit;  // nullopt when there are errors
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
};

// path names the source in the generated unit's SourcePath; the file kind
// comes from its extension (.container or .volume).
Conversion convert_unit_file(const std::string& path, std::string_view text, const ConvertOptions& options);

// Whether the generator handles files with this name.
bool is_quadlet_file(std::string_view file_name);

}  // namespace kayak::quadlet
