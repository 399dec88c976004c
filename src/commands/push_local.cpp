// push to oci:, oci-archive: and docker-archive: with save's writers.
#include "push_local.hpp"

#include "stored_image.hpp"

#include "kayak/archive/image_archive.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace kayak::commands {

namespace {

// The file's temporary tar inside the layout directory, removed on every
// exit.
struct RemoveOnExit {
  std::string path;
  ~RemoveOnExit() { ::unlink(path.c_str()); }
};

// An OCI layout directory: the oci-archive tar written next to the
// layout's files, then unpacked in place (the same safe unpacking load
// uses), so the layout equals what oci-archive: would hold.
void write_layout_dir(const archive::SaveImage& image, const std::string& dir) {
  fs::mkdir_p(dir, 0755);
  if (!fs::list_dir(dir).empty()) {
    fail("{}: the directory is not empty: push writes a new OCI layout into a new or empty directory", dir);
  }
  RemoveOnExit tar{fs::join(dir, ".kayak-push.tar")};
  {
    fs::AtomicFile file(tar.path, 0600);
    archive::write_oci_archive({image}, file);
    file.commit();
  }
  UniqueFd fd(::open(tar.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) fail_errno("open {}", tar.path);
  FdReader in(fd.get(), tar.path);
  archive::unpack_archive(in, dir);
}

}  // namespace

LocalDestination parse_local_destination(const std::string& text) {
  LocalDestination out;
  auto colon = text.find(':');
  if (colon == std::string::npos) return out;
  std::string kind = text.substr(0, colon);
  if (kind != "oci" && kind != "oci-archive" && kind != "docker-archive") return out;
  out.kind = kind;
  std::string rest = text.substr(colon + 1);
  auto split = rest.find(':');
  out.path = rest.substr(0, split);
  if (split != std::string::npos) out.ref = rest.substr(split + 1);
  if (out.path.empty()) fail("{}: missing path", text);
  return out;
}

void push_to_local(store::Store& store, const store::ImageRecord& record, const LocalDestination& dest,
                   const std::vector<std::string>& names) {
  archive::SaveImage image = save_image_of(store, record, dest.ref.empty() ? names : std::vector{dest.ref});
  if (dest.kind != "docker-archive" && !dest.ref.empty()) image.ref_names = {dest.ref};
  if (dest.kind == "oci") {
    write_layout_dir(image, fs::absolute(dest.path));
    return;
  }
  // The archive appears whole or not at all.
  fs::AtomicFile file(fs::absolute(dest.path), 0644);
  if (dest.kind == "oci-archive") {
    archive::write_oci_archive({image}, file);
  } else {
    archive::write_docker_archive({image}, file);
  }
  file.commit();
}

}  // namespace kayak::commands
