// The change walkers behind `diff` and `commit`. Output order follows
// Docker: a depth-first walk with each directory's names sorted, and the
// parent directory inserted (as C) before the first change that needs it.
#include "kayak/store/container_changes.hpp"

#include "kayak/archive/merged_tree.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>

namespace kayak::store {

namespace {

using archive::MergedDir;
using archive::MergedEntry;

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kWhiteoutMetaPrefix = ".wh..wh.";

std::string child_path(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

std::string parent_path(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool same_time(const struct timespec& a, const struct timespec& b) {
  // Docker's sameFsTime: some file systems (and tar) keep whole seconds.
  return a.tv_sec == b.tv_sec && (a.tv_nsec == b.tv_nsec || a.tv_nsec == 0 || b.tv_nsec == 0);
}

std::string link_target(int dir_fd, const std::string& name, const struct stat& st) {
  std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
  ssize_t n = ::readlinkat(dir_fd, name.c_str(), target.data(), target.size());
  if (n < 0) fail_errno("read symlink {}", name);
  target.resize(static_cast<size_t>(n));
  return target;
}

UniqueFd open_dir_at(int dir_fd, const std::string& name, const std::string& shown) {
  UniqueFd fd(::openat(dir_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) fail_errno("open {}", shown);
  return fd;
}

// ---- overlay: walk the upper dir ----

class UpperWalker {
public:
  std::vector<Change> run(const std::string& upper, const std::vector<std::string>& lowers) {
    UniqueFd root(::open(upper.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root && errno == ENOENT) return {};  // never started: nothing written yet
    if (!root) fail_errno("open {}", upper);
    walk(root.get(), MergedDir(lowers), {}, "/");
    return std::move(out_);
  }

private:
  // dir_fd: the directory in the upper dir; lower: the same directory in
  // the image; hidden: lower names an opaque dir hides (reported as D).
  void walk(int dir_fd, const MergedDir& lower, const std::vector<std::string>& hidden, const std::string& path) {
    // Each item: the name it sorts (and is reported) under, and the name in
    // the upper dir ("" for lower content hidden by an opaque directory).
    struct Item {
      std::string shown;
      std::string raw;
    };
    std::vector<Item> items;
    std::set<std::string> present;
    for (auto& name : fs::list_dir_at(dir_fd, path)) {
      if (name.starts_with(kWhiteoutMetaPrefix)) continue;  // opaque marker, aufs bookkeeping
      if (name.starts_with(kWhiteoutPrefix)) {
        items.push_back({name.substr(kWhiteoutPrefix.size()), name});
      } else {
        present.insert(name);
        items.push_back({name, name});
      }
    }
    for (const auto& name : hidden) {
      if (!present.contains(name)) items.push_back({name, ""});
    }
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.shown < b.shown; });

    for (const auto& [shown, name] : items) {
      // Hidden lower content, and fuse-overlayfs's aufs-style whiteouts.
      if (name.empty() || name.starts_with(kWhiteoutPrefix)) {
        record(child_path(path, shown), ChangeKind::Deleted);
        continue;
      }
      std::string full = child_path(path, name);
      struct stat st;
      if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) continue;  // removed while we read
        fail_errno("stat {}", full);
      }
      if (archive::is_whiteout_node(st)) {
        record(full, ChangeKind::Deleted);
        continue;
      }
      std::optional<MergedEntry> before = lower.find(name);
      bool is_dir = S_ISDIR(st.st_mode);
      if (!before) {
        record(full, ChangeKind::Added);
      } else if (!(is_dir && S_ISDIR(before->st.st_mode) && same_dir(st, before->st))) {
        record(full, ChangeKind::Changed);
      }
      if (!is_dir) continue;
      UniqueFd sub = open_dir_at(dir_fd, name, full);
      if (archive::is_opaque_dir(sub.get())) {
        std::vector<std::string> hidden_names;
        for (const auto& entry : lower.subdir(name).list()) hidden_names.push_back(entry.name);
        walk(sub.get(), MergedDir(), hidden_names, full);
      } else {
        walk(sub.get(), lower.subdir(name), {}, full);
      }
    }
  }

  static bool same_dir(const struct stat& a, const struct stat& b) {
    return a.st_mode == b.st_mode && a.st_uid == b.st_uid && a.st_gid == b.st_gid && same_time(a.st_mtim, b.st_mtim);
  }

  void record(const std::string& path, ChangeKind kind) {
    if (kind != ChangeKind::Changed) {
      std::string parent = parent_path(path);
      if (parent != "/" && recorded_dirs_.insert(parent).second) out_.push_back({parent, ChangeKind::Changed});
    }
    // A directory recorded once is never inserted again as a parent.
    recorded_dirs_.insert(path);
    out_.push_back({path, kind});
  }

  std::vector<Change> out_;
  std::set<std::string> recorded_dirs_;
};

// ---- vfs: compare two trees ----

class CopyWalker {
public:
  std::vector<Change> run(const std::string& rootfs, const std::vector<std::string>& lowers) {
    add_changes(MergedDir({rootfs}), MergedDir(lowers), "/", true);
    return std::move(out_);
  }

private:
  void add_changes(const MergedDir& now, const MergedDir& before, const std::string& path, bool self_recorded) {
    size_t at_entry = out_.size();
    std::vector<MergedEntry> new_entries = now.list();
    std::vector<MergedEntry> old_entries = before.list();
    size_t i = 0, j = 0;
    while (i < new_entries.size() || j < old_entries.size()) {
      if (j == old_entries.size() || (i < new_entries.size() && new_entries[i].name < old_entries[j].name)) {
        const MergedEntry& added = new_entries[i++];
        std::string full = child_path(path, added.name);
        out_.push_back({full, ChangeKind::Added});
        if (S_ISDIR(added.st.st_mode)) add_changes(now.subdir(added.name), MergedDir(), full, true);
      } else if (i == new_entries.size() || old_entries[j].name < new_entries[i].name) {
        out_.push_back({child_path(path, old_entries[j++].name), ChangeKind::Deleted});
      } else {
        const MergedEntry& cur = new_entries[i++];
        const MergedEntry& old = old_entries[j++];
        std::string full = child_path(path, cur.name);
        bool changed = differs(cur, old);
        if (changed) out_.push_back({full, ChangeKind::Changed});
        if (S_ISDIR(cur.st.st_mode)) {
          add_changes(now.subdir(cur.name), S_ISDIR(old.st.st_mode) ? before.subdir(old.name) : MergedDir(), full,
                      changed);
        }
      }
    }
    // Changes inside a directory make it changed too: its entry in a layer
    // carries the directory's owner and mode.
    if (out_.size() > at_entry && !self_recorded) {
      out_.insert(out_.begin() + static_cast<std::ptrdiff_t>(at_entry), Change{path, ChangeKind::Changed});
    }
  }

  static bool differs(const MergedEntry& now, const MergedEntry& old) {
    const struct stat& a = now.st;
    const struct stat& b = old.st;
    if (a.st_mode != b.st_mode || a.st_uid != b.st_uid || a.st_gid != b.st_gid || a.st_rdev != b.st_rdev) return true;
    // A directory's size and mtime say nothing useful (Docker ignores them).
    if (S_ISDIR(a.st_mode)) return false;
    if (a.st_size != b.st_size || !same_time(a.st_mtim, b.st_mtim)) return true;
    if (S_ISLNK(a.st_mode)) return link_target(now.dir_fd, now.name, a) != link_target(old.dir_fd, old.name, b);
    return false;
  }

  std::vector<Change> out_;
};

}  // namespace

char change_letter(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::Changed: return 'C';
    case ChangeKind::Added: return 'A';
    case ChangeKind::Deleted: return 'D';
  }
  return '?';
}

std::vector<Change> upper_changes(const std::string& upper, const std::vector<std::string>& lowers) {
  return UpperWalker().run(upper, lowers);
}

std::vector<Change> copy_changes(const std::string& rootfs, const std::vector<std::string>& lowers) {
  return CopyWalker().run(rootfs, lowers);
}

}  // namespace kayak::store
