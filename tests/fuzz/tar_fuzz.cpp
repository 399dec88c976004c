// libFuzzer target for extract_tar: whatever the bytes, extraction either
// fails with kayak::Error or succeeds, and nothing outside the destination
// changes. The destination sits in a work directory next to a sentinel file;
// after each input the work directory must hold exactly "dest" and the
// untouched sentinel.
//
// Build (from the repository root):
//   clang++ -std=c++20 -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
//     -Iinclude -I<builddir> tests/fuzz/tar_fuzz.cpp src/archive/{extract,extract_root,libarchive_io}.cpp \
//     src/util/*.cpp -larchive -lfmt -lyajl -lcrypto -o tar_fuzz
//   ./tar_fuzz -max_len=65536 corpus/
#include "kayak/archive/extract.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

class BytesReader : public kayak::Reader {
public:
  BytesReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  size_t read(void* buf, size_t n) override {
    // Odd chunk sizes exercise libarchive's buffering.
    size_t k = std::min({n, size_ - pos_, size_t{777}});
    std::memcpy(buf, data_ + pos_, k);
    pos_ += k;
    return k;
  }

private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

struct Workspace {
  kayak::fs::TempDir work{"", "kayak-fuzz-"};
  std::string dest = work.path() + "/dest";
  std::string sentinel = work.path() + "/sentinel";
  struct stat sentinel_stat {};

  Workspace() {
    kayak::fs::write_file_atomic(sentinel, "sentinel", 0640);
    ::lstat(sentinel.c_str(), &sentinel_stat);
  }

  void check() const {
    auto names = kayak::fs::list_dir(work.path());
    struct stat st {};
    bool ok = names.size() == 2 && ::lstat(sentinel.c_str(), &st) == 0 && st.st_ino == sentinel_stat.st_ino &&
              st.st_mode == sentinel_stat.st_mode && st.st_nlink == 1 &&
              st.st_mtim.tv_nsec == sentinel_stat.st_mtim.tv_nsec && kayak::fs::read_file(sentinel) == "sentinel";
    if (!ok) {
      std::fprintf(stderr, "extraction changed something outside the destination\n");
      std::abort();
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Workspace ws;
  kayak::fs::remove_tree(ws.dest);
  kayak::fs::mkdir_p(ws.dest);
  for (auto whiteouts : {kayak::archive::WhiteoutFormat::Overlay, kayak::archive::WhiteoutFormat::Aufs}) {
    BytesReader in(data, size);
    kayak::archive::ExtractOptions options;
    options.whiteouts = whiteouts;
    options.opaque_xattr = "user.overlay.opaque";
    try {
      kayak::archive::extract_tar(in, ws.dest, options);
    } catch (const kayak::Error&) {
      // Refusing a hostile or broken tar is fine.
    }
    ws.check();
  }
  return 0;
}
