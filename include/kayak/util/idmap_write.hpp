// Writing the ID maps of a process that has just created a user namespace
// (DESIGN "Rootless identity"), from its parent: the runtime clones the
// container init with CLONE_NEWUSER and maps it from outside, the same way
// run_in_userns maps its helper child.
#pragma once

#include "kayak/util/idmap.hpp"

#include <sys/types.h>

namespace kayak {

// Maps pid's user namespace from id.mapping:
//   Root             - nothing to do (no user namespace);
//   SubordinateRange - newuidmap/newgidmap (setuid helpers);
//   SingleId         - writes "deny" to setgroups, then the single line
//                      0 -> caller to uid_map and gid_map directly.
// The caller must have the same effective uid as pid's namespace creator.
// Throws kayak::Error naming the file or helper that failed.
void write_id_maps(pid_t pid, const Identity& id);

}  // namespace kayak
