// write_layer_tar: a directory tree as a layer tar, in a stable order
// (each directory's names sorted, parents before children), with the
// storage driver's whiteouts turned back into ".wh." entries.
#include "kayak/archive/tar_writer.hpp"

#include "tar_entry_writer.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace kayak::archive {

namespace {

constexpr std::string_view kOpaqueWhiteout = ".wh..wh..opq";

class LayerWriter {
public:
  LayerWriter(Writer& out, const LayerTarOptions& options)
    : entries_(out, options.opaque_xattr, options.fixed_mtime), opt_(options) {}

  void write_dir(int dir_fd, const std::string& prefix) {
    std::vector<std::string> names = fs::list_dir_at(dir_fd, prefix.empty() ? "/" : prefix);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) write_entry(dir_fd, prefix, name);
  }

  void finish() { entries_.finish(); }

private:
  void write_entry(int dir_fd, const std::string& prefix, const std::string& name) {
    std::string rel = prefix + name;
    if (std::find(opt_.exclude.begin(), opt_.exclude.end(), rel) != opt_.exclude.end()) return;
    struct stat st;
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) fail_errno("stat {}", rel);
    if (opt_.whiteouts == WhiteoutFormat::Overlay && S_ISCHR(st.st_mode) && st.st_rdev == 0) {
      // Overlay's whiteout (char 0:0) is ".wh.NAME" in a layer.
      entries_.write_marker(prefix + ".wh." + name, entries_.meta_of(st));
      return;
    }
    std::string opaque = entries_.write(dir_fd, name, rel, st);
    if (!S_ISDIR(st.st_mode)) return;
    if (opt_.whiteouts == WhiteoutFormat::Overlay && opaque == "y") {
      TarWriter::Meta marker = entries_.meta_of(st);
      marker.mode &= 0777;
      entries_.write_marker(rel + "/" + std::string(kOpaqueWhiteout), marker);
    }
    UniqueFd sub(::openat(dir_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub) fail_errno("open {}", rel);
    write_dir(sub.get(), rel + "/");
  }

  detail::TarEntryWriter entries_;
  const LayerTarOptions& opt_;
};

}  // namespace

void write_layer_tar(const std::string& dir, Writer& out, const LayerTarOptions& options) {
  UniqueFd root(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) fail_errno("open {}", dir);
  LayerWriter writer(out, options);
  writer.write_dir(root.get(), "");
  writer.finish();
}

}  // namespace kayak::archive
