#include "kayak/util/idmap.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/strings.hpp"

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace kayak {

namespace {

constexpr uint64_t kIdLimit = uint64_t{1} << 32;  // ids are 32-bit; 2^32-1 is "no id"

uint64_t contiguous_count(std::vector<IdMapEntry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const IdMapEntry& a, const IdMapEntry& b) { return a.container_id < b.container_id; });
  uint64_t next = 0;
  for (const auto& e : entries) {
    if (e.container_id > next) break;
    next = std::max(next, uint64_t{e.container_id} + e.size);
  }
  return next;
}

// 0 -> the caller, then the subordinate ranges one after another from 1,
// so container ids stay contiguous whatever the host ranges look like.
std::vector<IdMapEntry> caller_then_ranges(uint32_t caller, const std::vector<IdMapEntry>& ranges) {
  std::vector<IdMapEntry> out{{0, caller, 1}};
  uint64_t next = 1;
  for (const auto& r : ranges) {
    uint64_t room = kIdLimit - 1 - next;  // keep 2^32-1 unmapped (the kernel's invalid id)
    if (room == 0) break;
    uint32_t size = static_cast<uint32_t>(std::min<uint64_t>(r.size, room));
    out.push_back({static_cast<uint32_t>(next), r.host_id, size});
    next += size;
  }
  return out;
}

std::string describe_entries(const std::vector<IdMapEntry>& entries) {
  std::vector<std::string> parts;
  for (const auto& e : entries) parts.push_back(fmt::format("{}->{} ({})", e.container_id, e.host_id, e.size));
  return str::join(parts, ", ");
}

std::string read_optional(const char* path) {
  std::string text;
  try {
    fs::read_file_if_exists(path, text);
  } catch (const Error& e) {
    // An unreadable file is as good as a missing one for us; say so.
    log::warn("{}", e.what());
  }
  return text;
}

}  // namespace

uint64_t IdMapping::uid_count() const { return contiguous_count(uids); }
uint64_t IdMapping::gid_count() const { return contiguous_count(gids); }

std::string Identity::describe() const {
  std::string who = fmt::format("uid {} ({})", uid, user_name.empty() ? std::to_string(uid) : user_name);
  switch (mode) {
  case IdentityMode::Root:
    return fmt::format("root, {}, no user namespace", who);
  case IdentityMode::SubordinateRange:
    return fmt::format("rootless {} with subordinate IDs: uids {}; gids {}", who, describe_entries(mapping.uids),
                       describe_entries(mapping.gids));
  case IdentityMode::SingleId:
    break;
  }
  return fmt::format("rootless {} without subordinate IDs: only 0 is mapped (uid {}, gid {})", who, uid, gid);
}

std::vector<IdMapEntry> parse_subid_file(std::string_view content, std::string_view user, uid_t uid) {
  std::string uid_text = std::to_string(uid);
  std::vector<IdMapEntry> out;
  for (const auto& raw : str::split(content, '\n')) {
    std::string_view line = str::trim(raw);
    if (line.empty() || line.front() == '#') continue;
    auto fields = str::split(line, ':');
    if (fields.size() != 3) continue;
    std::string_view owner = str::trim(fields[0]);
    if (owner.empty() || (owner != user && owner != uid_text)) continue;
    auto start = str::parse_uint(str::trim(fields[1]));
    auto count = str::parse_uint(str::trim(fields[2]));
    if (!start || !count || *count == 0) continue;
    if (*start >= kIdLimit || *count >= kIdLimit || *start + *count > kIdLimit - 1) continue;
    out.push_back({0, static_cast<uint32_t>(*start), static_cast<uint32_t>(*count)});
  }
  // container_id is assigned when the ranges are laid out in a mapping;
  // here it stays 0 and host_id/size describe the range.
  return out;
}

Identity identity_from(uid_t uid, gid_t gid, std::string user_name, std::string home,
                       std::string_view subuid_content, std::string_view subgid_content) {
  Identity id;
  id.uid = uid;
  id.gid = gid;
  id.user_name = std::move(user_name);
  id.home = std::move(home);
  if (uid == 0) {
    id.mode = IdentityMode::Root;
    return id;
  }
  auto uid_ranges = parse_subid_file(subuid_content, id.user_name, uid);
  auto gid_ranges = parse_subid_file(subgid_content, id.user_name, uid);
  if (!uid_ranges.empty() && !gid_ranges.empty()) {
    id.mode = IdentityMode::SubordinateRange;
    id.mapping.uids = caller_then_ranges(uid, uid_ranges);
    id.mapping.gids = caller_then_ranges(gid, gid_ranges);
    return id;
  }
  id.mode = IdentityMode::SingleId;
  id.mapping.uids = {{0, uid, 1}};
  id.mapping.gids = {{0, gid, 1}};
  std::string name = id.user_name.empty() ? std::to_string(uid) : id.user_name;
  if (!uid_ranges.empty()) {
    id.warnings.push_back(fmt::format(
        "{} has a range in /etc/subuid but none in /etc/subgid: only the caller's own IDs are mapped "
        "(add a line like \"{}:{}:{}\" to /etc/subgid)",
        name, name, uid_ranges[0].host_id, uid_ranges[0].size));
  } else if (!gid_ranges.empty()) {
    id.warnings.push_back(fmt::format(
        "{} has a range in /etc/subgid but none in /etc/subuid: only the caller's own IDs are mapped "
        "(add a line like \"{}:{}:{}\" to /etc/subuid)",
        name, name, gid_ranges[0].host_id, gid_ranges[0].size));
  }
  return id;
}

Identity current_identity() {
  uid_t uid = ::getuid();
  gid_t gid = ::getgid();
  std::string name, home;
  struct passwd pw;
  struct passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found) {
    name = pw.pw_name;
    home = pw.pw_dir;
  }
  if (home.empty()) {
    const char* env_home = std::getenv("HOME");
    if (env_home) home = env_home;
  }
  if (uid == 0) return identity_from(uid, gid, std::move(name), std::move(home), {}, {});
  Identity id = identity_from(uid, gid, std::move(name), std::move(home), read_optional("/etc/subuid"),
                              read_optional("/etc/subgid"));
  for (const auto& w : id.warnings) log::warn("{}", w);
  return id;
}

}  // namespace kayak
