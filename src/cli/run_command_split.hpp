// Reads a recorded `kayak [GLOBAL FLAGS] run|create [FLAGS] IMAGE [COMMAND]`
// command line with the command table, so generate systemd --new can run
// it again as a unit: flags that take a value are known, so the image and
// the container's own command are never mistaken for flags.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace kayak::cli {

// argv (argv[0] the binary) -> [GLOBAL FLAGS...] "run" [FLAGS...] IMAGE
// [COMMAND...], a `create` turned into `run`, without the run/create flags
// whose long names are in drop (a short form in a cluster is cut out:
// "-dit" -> "-it"). Throws when argv is not a run or create.
std::vector<std::string> run_arguments(const std::vector<std::string>& argv, const std::set<std::string>& drop);

}  // namespace kayak::cli
