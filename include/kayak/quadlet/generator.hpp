// The systemd generator (systemd.generator(7)) that turns Quadlet files
// into units: it reads *.container and *.volume files from the search
// directories (the first directory holding a name wins, as in Podman's
// Quadlet) and writes NAME.service / NAME-volume.service into the output
// directory, linked into <target>.wants/ for [Install] WantedBy=.
// A bad file is reported with file:line and skipped; the others are still
// written.
#pragma once

#include "kayak/quadlet/convert.hpp"

#include <functional>
#include <string>
#include <vector>

namespace kayak::quadlet {

// Where Podman's Quadlet looks: QUADLET_UNIT_DIRS (colon-separated) when
// set; for a user $XDG_CONFIG_HOME/containers/systemd (or
// ~/.config/containers/systemd), /etc/containers/systemd/users/$UID and
// /etc/containers/systemd/users; for the system /run/containers/systemd,
// /etc/containers/systemd and /usr/share/containers/systemd.
std::vector<std::string> quadlet_search_dirs(bool user);

struct GeneratorRun {
  std::vector<std::string> search_dirs;
  ConvertOptions convert;
  bool dry_run = false;     // print the units instead of writing them
  std::string output_dir;   // systemd's normal-dir (not used by dry_run)
};

struct GeneratorOutput {
  std::function<void(const std::string&)> print;    // dry run: the units
  std::function<void(const std::string&)> message;  // errors and warnings, one line each
};

// Returns the number of source files that had errors.
int run_generator(const GeneratorRun& run, const GeneratorOutput& output);

}  // namespace kayak::quadlet
