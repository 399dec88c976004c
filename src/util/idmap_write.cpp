#include "kayak/util/idmap_write.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"

#include "newidmap.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <string>

namespace kayak {

namespace {

void write_proc_file(pid_t pid, const char* name, const std::string& text) {
  std::string path = fmt::format("/proc/{}/{}", pid, name);
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) fail_errno("open {}", path);
  ssize_t n = ::write(fd.get(), text.data(), text.size());
  if (n < 0) fail_errno("write {} ({})", path, text.substr(0, text.size() - 1));
  if (static_cast<size_t>(n) != text.size()) fail("write {}: short write", path);
}

}  // namespace

void write_id_maps(pid_t pid, const Identity& id) {
  switch (id.mode) {
  case IdentityMode::Root:
    return;
  case IdentityMode::SubordinateRange:
    detail::write_maps_with_helpers(pid, id);
    return;
  case IdentityMode::SingleId:
    // An unprivileged writer may map only its own ids, and a gid map only
    // once setgroups is denied (else it could drop groups it was denied by).
    write_proc_file(pid, "setgroups", "deny");
    write_proc_file(pid, "uid_map", fmt::format("0 {} 1\n", id.uid));
    write_proc_file(pid, "gid_map", fmt::format("0 {} 1\n", id.gid));
    return;
  }
}

}  // namespace kayak
