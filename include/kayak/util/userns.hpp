// Running a piece of work inside the store's user namespace (DESIGN
// "Rootless identity"): a short-lived forked child joins a fresh user
// namespace with the identity's mapping (newuidmap/newgidmap for
// subordinate ranges, a single self-mapping otherwise), optionally a fresh
// mount namespace, runs the work as container root and exits. No pause
// process: the mapping is deterministic, so every child sees the same owners.
//
// Layering note: DESIGN gives "user namespaces and ID maps" to the runtime
// module, but the store (above runtime) must already extract and delete
// layers inside the namespace. So the identity/ID-map parsing and this
// generic "run in the namespace" helper live in util, the one module both
// can use; the runtime builds container namespaces on top of them.
#pragma once

#include "kayak/util/idmap.hpp"

#include <functional>

namespace kayak {

// Runs fn in a forked child and waits for it:
//   Root             - plain child (no user namespace);
//   SubordinateRange - new user namespace mapped by newuidmap/newgidmap;
//   SingleId         - new user namespace mapping 0 to the caller only.
// In the child, uid/gid are 0 inside the namespace. With new_mount_ns the
// child also gets a private mount namespace (mount propagation to the host
// off), so mounts made by fn vanish when it exits.
//
// fn runs in another process: changes it makes to memory are not seen by
// the caller (pass results back through a file or memfd). stdin, stdout and
// stderr are shared, so fn may write data to stdout. A kayak::Error (or any
// std::exception) thrown by fn is re-thrown here as kayak::Error with the
// same message and exit code; a child killed by a signal gives an error
// naming the signal. The child never returns into the caller's stack: it
// flushes stdio and _exits.
//
// Must be called from a single-threaded process (unshare(CLONE_NEWUSER)
// refuses multi-threaded callers).
void run_in_userns(const Identity& id, const std::function<void()>& fn, bool new_mount_ns = true);

// True when this process is in a user namespace other than the initial one
// (its uid_map is not the identity mapping of all ids).
bool in_user_namespace();

}  // namespace kayak
