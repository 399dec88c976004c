// Who kayak runs as, and which user-namespace ID mapping its store uses
// (DESIGN "Rootless identity"): real root needs no namespace; a user with
// /etc/subuid and /etc/subgid ranges maps 0 to itself and 1..N to those
// ranges; anyone else maps only 0 to itself. The mapping is a pure function
// of the user and the two files, so every namespace sees the same owners.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kayak {

// One line of a uid_map/gid_map: container ids [container_id,
// container_id+size) are host ids [host_id, host_id+size).
struct IdMapEntry {
  uint32_t container_id = 0;
  uint32_t host_id = 0;
  uint32_t size = 0;

  bool operator==(const IdMapEntry&) const = default;
};

struct IdMapping {
  std::vector<IdMapEntry> uids;
  std::vector<IdMapEntry> gids;

  // Highest contiguous container id + 1, counting from 0: container ids
  // below this can own files. 0 when the mapping is empty.
  uint64_t uid_count() const;
  uint64_t gid_count() const;

  bool operator==(const IdMapping&) const = default;
};

enum class IdentityMode {
  Root,              // real root: no user namespace, empty mapping
  SubordinateRange,  // 0 -> caller, 1..N -> /etc/subuid, /etc/subgid ranges
  SingleId,          // 0 -> caller only
};

struct Identity {
  IdentityMode mode = IdentityMode::Root;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string user_name;
  std::string home;
  IdMapping mapping;
  // Why the mode is less than SubordinateRange, when a partial setup was
  // found (e.g. a subuid range but no subgid range); empty otherwise.
  std::vector<std::string> warnings;

  // One line for messages and debugging, e.g.
  // "rootless uid 1000 (alice), subordinate ranges: uid 0->1000 (1), 1->100000 (65536); ..."
  std::string describe() const;
};

// Ranges of /etc/subuid or /etc/subgid content (subuid(5): "name:start:count"
// per line) that belong to the user, matched by name or by numeric uid, in
// file order. Comments, blank and malformed lines, and zero-size ranges are
// skipped.
std::vector<IdMapEntry> parse_subid_file(std::string_view content, std::string_view user, uid_t uid);

// The pure part of current_identity(): builds the identity of a non-root or
// root user from the given subuid/subgid file contents (empty when a file is
// missing). A range in only one of the files gives SingleId plus a warning
// naming the missing entry.
Identity identity_from(uid_t uid, gid_t gid, std::string user_name, std::string home,
                       std::string_view subuid_content, std::string_view subgid_content);

// The identity of this process (real uid/gid, passwd entry, /etc/subuid,
// /etc/subgid). Logs the identity's warnings through log::warn.
Identity current_identity();

}  // namespace kayak
