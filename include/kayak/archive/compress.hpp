// Compressing a stream: push needs gzip or zstd blobs for layers that the
// store keeps as plain tars (loaded from a docker-archive, committed,
// imported).
#pragma once

#include "kayak/archive/compression.hpp"
#include "kayak/util/stream.hpp"

#include <string>

namespace kayak::archive {

// Copies `in` to `out` compressed with `c` (Gzip or Zstd; anything else
// throws). The output depends only on the input: the gzip header carries
// no timestamp or name, so compressing the same layer twice gives the same
// digest and a second push finds it already there. `name` is used in
// error messages.
void compress_stream(Reader& in, Writer& out, Compression c, const std::string& name);

}  // namespace kayak::archive
