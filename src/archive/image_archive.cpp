// Unpacking an image archive and telling which layout it holds.
#include "kayak/archive/image_archive.hpp"

#include "kayak/archive/compression.hpp"
#include "kayak/archive/extract.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

namespace kayak::archive {

void unpack_archive(Reader& in, const std::string& dir,
                    std::function<std::unique_ptr<ContentTap>(const std::string& path)> tap) {
  // Whole-archive compression (`save | gzip`) is undone here; per-layer
  // compression stays in the blob files and is handled when layers load.
  DecompressingReader plain_tar(in, "image archive");
  ExtractOptions options;
  options.plain = true;  // an archive holds files, not a root filesystem
  options.tap = std::move(tap);
  extract_tar(plain_tar, dir, options);
}

LayoutKind detect_layout(const std::string& dir) {
  // Docker >= 25 writes both; its manifest.json names everything we need
  // and is what `docker load` itself reads, so it wins.
  if (fs::exists(fs::join(dir, "manifest.json"))) return LayoutKind::DockerArchive;
  if (fs::exists(fs::join(dir, "index.json")) && fs::exists(fs::join(dir, "oci-layout"))) return LayoutKind::Oci;
  if (fs::exists(fs::join(dir, "index.json"))) fail("not an OCI image layout: index.json without oci-layout");
  fail("not an image archive: neither manifest.json (docker-archive) nor index.json (OCI layout) found");
}

}  // namespace kayak::archive
