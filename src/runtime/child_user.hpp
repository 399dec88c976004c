// Resolving "user[:group]" against the container's /etc/passwd and
// /etc/group, in the child between clone and execve: fixed buffers, no
// allocation, no exceptions (DESIGN "Threads, the child and the hot path").
#pragma once

#include <sys/types.h>

#include <cstddef>

namespace kayak::runtime::detail {

constexpr size_t kMaxGroups = 256;

struct ResolvedUser {
  uid_t uid = 0;
  gid_t gid = 0;
  gid_t groups[kMaxGroups];  // supplementary groups (implicit form only) + extra
  size_t group_count = 0;
  char home[1024] = "/";
};

enum class UserLookup { Ok, NoSuchUser, NoSuchGroup, Failed };

// As Docker does: a user given by name must exist in passwd; a number need
// not (gid 0, home "/" then). An explicit group (name or number) sets the
// primary gid and no supplementary groups; without one, the user's gid from
// passwd and the groups of /etc/group listing the user by name apply. The
// extra gids (--group-add) are appended. "" means root. On Failed, *err is
// the errno of a file that exists but could not be read.
UserLookup resolve_user(const char* spec, const gid_t* extra, size_t extra_count, ResolvedUser& out, int* err);

}  // namespace kayak::runtime::detail
