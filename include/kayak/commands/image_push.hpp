// `push`: a stored image to a registry (docker://, the default) or to a
// local transport (oci:DIR[:REF], oci-archive:FILE[:REF],
// docker-archive:FILE[:REF]).
//
// To a registry: every blob is checked with HEAD and skipped when present;
// a layer the image was pulled with is mounted from the repository it came
// from when that is on the same registry; the rest is uploaded. Layers the
// store holds compressed go as they are, so the stored manifest is pushed
// unchanged and the digest stays the pull's; uncompressed layers
// (docker-archive, commit, import) are compressed first (gzip, or zstd)
// and a new manifest is built. The manifest goes last. Progress on stderr
// as Docker's CLI prints it.
#pragma once

#include "kayak/store/store.hpp"

#include <optional>
#include <string>

namespace kayak::commands {

struct PushOptions {
  std::string source;       // a stored image: name, ID
  std::string destination;  // "" = the source's name
  bool quiet = false;       // no progress
  std::optional<bool> tls_verify;
  std::string authfile;
  std::string compression_format;  // "", "gzip", "zstd"
};

struct PushReport {
  std::string digest;  // the manifest's digest (registry destinations)
};

PushReport push_image(store::Store& store, const PushOptions& options);

}  // namespace kayak::commands
