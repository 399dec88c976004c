// Linux capabilities by name and number, and Docker's rules for the set a
// container gets (--cap-add, --cap-drop, --privileged). The launcher only
// installs the resulting numbers (ProcessSpec::caps); this file decides them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::runtime {

// The highest capability number the running kernel knows
// (/proc/sys/kernel/cap_last_cap; our own table's last entry when unreadable).
int last_capability();

// "CAP_NET_ADMIN" for 12. A number past our name table (a newer kernel) is
// shown as "CAP_<n>".
std::string capability_name(int cap);
// Accepts "NET_ADMIN", "CAP_NET_ADMIN", "net_admin", "cap_Net_Admin";
// nullopt for names not in the table or not known to this kernel.
std::optional<int> capability_number(std::string_view name);

// Every capability the kernel knows, ascending.
std::vector<int> all_capabilities();
// The capabilities a container started by this process can hold: those in
// our bounding set. A user namespace cannot add to the bounding set it
// inherits, so this is the answer for root and rootless alike (root may
// lack some too, e.g. under a restricted parent).
std::vector<int> available_capabilities();

// Docker's 14 default capabilities, ascending.
const std::vector<int>& default_capabilities();

// Validates and normalises --cap-add/--cap-drop words as Docker stores them
// in HostConfig.CapAdd/CapDrop: "CAP_" + upper case, "ALL" kept as is.
// Unknown names throw `unknown capability: "CAP_FOO"`.
std::vector<std::string> canonical_capability_names(const std::vector<std::string>& names);

// The container's capability set, ascending and without duplicates, with
// Docker's semantics:
//   privileged            -> everything available
//   ALL in cap_add        -> everything available except cap_drop
//   ALL in cap_drop       -> only cap_add
//   otherwise             -> defaults minus cap_drop, plus cap_add
// A name in cap_add that is known but unavailable here throws (Docker:
// "capability not supported by your kernel or not available in the current
// environment"); defaults that are unavailable are silently left out.
std::vector<int> effective_capabilities(const std::vector<std::string>& cap_add,
                                        const std::vector<std::string>& cap_drop, bool privileged);
// The same against an explicit available set (tests, or a caller that
// already knows it).
std::vector<int> effective_capabilities(const std::vector<std::string>& cap_add,
                                        const std::vector<std::string>& cap_drop, bool privileged,
                                        const std::vector<int>& available);

// "CAP_..." names for numbers, in the given order (seccomp includes/excludes
// compare these).
std::vector<std::string> capability_names(const std::vector<int>& caps);

}  // namespace kayak::runtime
