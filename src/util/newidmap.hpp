// Private to userns.cpp: writing a child's ID maps with the setuid helpers
// newuidmap/newgidmap, the only way an unprivileged user may map the
// subordinate ranges /etc/subuid and /etc/subgid grant.
#pragma once

#include "kayak/util/idmap.hpp"

#include <sys/types.h>

namespace kayak::detail {

// Writes /proc/<pid>/uid_map and gid_map from id.mapping (pid has just
// unshared its user namespace). Throws kayak::Error with the helper's
// message and a hint when a helper is missing or refuses.
void write_maps_with_helpers(pid_t pid, const Identity& id);

}  // namespace kayak::detail
