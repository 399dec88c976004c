// Helpers for the archive tests: tars built in the test itself (hostile
// ones included) with libarchive's writer, and a snapshot of a directory
// tree to prove that nothing outside the extraction root changed.
#pragma once

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/stream.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace kayak::test {

// A Reader over a string, at most `chunk` bytes per call.
class StringReader : public Reader {
public:
  explicit StringReader(std::string data, size_t chunk = SIZE_MAX) : data_(std::move(data)), chunk_(chunk) {}
  size_t read(void* buf, size_t n) override {
    size_t k = std::min({n, chunk_, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }

private:
  std::string data_;
  size_t chunk_;
  size_t pos_ = 0;
};

class StringWriter : public Writer {
public:
  void write(const void* buf, size_t n) override { data.append(static_cast<const char*>(buf), n); }
  std::string data;
};

struct EntryOpts {
  mode_t mode = 0644;
  int64_t uid = 0;
  int64_t gid = 0;
  time_t mtime = 1000000000;
  std::vector<std::pair<std::string, std::string>> xattrs = {};
};

// Writes whatever names it is given, unsanitized: libarchive's writer does
// not clean paths (only its disk writer would).
class TarBuilder {
public:
  explicit TarBuilder(int format = ARCHIVE_FORMAT_TAR_PAX_RESTRICTED) : a_(archive_write_new()) {
    REQUIRE(set_format(format) == ARCHIVE_OK);
    archive_write_set_bytes_in_last_block(a_, 1);
    REQUIRE(archive_write_open(a_, this, nullptr, &TarBuilder::write_cb, nullptr) == ARCHIVE_OK);
  }
  ~TarBuilder() { archive_write_free(a_); }

  // The two tar dialects the tests write, by their own setters: the generic
  // archive_write_set_format() would link every writer libarchive has (xar
  // needs libxml2), and kayak links libarchive statically.
  int set_format(int format) {
    switch (format) {
      case ARCHIVE_FORMAT_TAR_GNUTAR: return archive_write_set_format_gnutar(a_);
      case ARCHIVE_FORMAT_TAR_PAX_RESTRICTED: return archive_write_set_format_pax_restricted(a_);
      default: FAIL("TarBuilder: unsupported format " << format); return ARCHIVE_FATAL;
    }
  }

  TarBuilder& file(const std::string& name, const std::string& content, const EntryOpts& o = {}) {
    return add(name, AE_IFREG, o, content, nullptr, nullptr);
  }
  TarBuilder& dir(const std::string& name, EntryOpts o = {.mode = 0755}) {
    return add(name, AE_IFDIR, o, {}, nullptr, nullptr);
  }
  TarBuilder& symlink(const std::string& name, const std::string& target, EntryOpts o = {.mode = 0777}) {
    return add(name, AE_IFLNK, o, {}, target.c_str(), nullptr);
  }
  TarBuilder& hardlink(const std::string& name, const std::string& target, const EntryOpts& o = {}) {
    return add(name, AE_IFREG, o, {}, nullptr, target.c_str());
  }
  TarBuilder& node(const std::string& name, mode_t type, unsigned major, unsigned minor, EntryOpts o = {}) {
    rdev_ = makedev(major, minor);
    return add(name, type, o, {}, nullptr, nullptr);
  }
  std::string finish() {
    REQUIRE(archive_write_close(a_) == ARCHIVE_OK);
    return data_;
  }

private:
  TarBuilder& add(const std::string& name, mode_t type, const EntryOpts& o, const std::string& content,
                  const char* symlink, const char* hardlink) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_copy_pathname(e, name.c_str());
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, o.mode);
    archive_entry_set_uid(e, o.uid);
    archive_entry_set_gid(e, o.gid);
    archive_entry_set_mtime(e, o.mtime, 0);
    if (symlink) archive_entry_copy_symlink(e, symlink);
    if (hardlink) archive_entry_copy_hardlink(e, hardlink);
    if (type == AE_IFCHR || type == AE_IFBLK) archive_entry_set_rdev(e, rdev_);
    archive_entry_set_size(e, type == AE_IFREG && !hardlink ? static_cast<la_int64_t>(content.size()) : 0);
    for (const auto& [k, v] : o.xattrs) archive_entry_xattr_add_entry(e, k.c_str(), v.data(), v.size());
    int r = archive_write_header(a_, e);
    REQUIRE_MESSAGE(r >= ARCHIVE_WARN, archive_error_string(a_));
    if (!content.empty()) {
      REQUIRE(archive_write_data(a_, content.data(), content.size()) == static_cast<la_ssize_t>(content.size()));
    }
    archive_entry_free(e);
    return *this;
  }
  static la_ssize_t write_cb(struct archive*, void* self, const void* buf, size_t n) {
    static_cast<TarBuilder*>(self)->data_.append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  }

  struct archive* a_;
  std::string data_;
  dev_t rdev_ = 0;
};

// One raw 512-byte ustar header (plus data padded to 512), for the
// nastiest cases: fields exactly as given, checksum computed, nothing
// normalized by a library.
struct RawEntry {
  std::string name = {};
  char type = '0';
  std::string data = {};
  std::string linkname = {};
  std::string prefix = {};
  uint64_t size = UINT64_MAX;  // default: data.size()
  mode_t mode = 0644;
};

inline std::string raw_entry(const RawEntry& e) {
  std::string h(512, '\0');
  auto put = [&](size_t off, size_t len, const std::string& v) { h.replace(off, std::min(len, v.size()), v.substr(0, len)); };
  auto octal = [&](size_t off, size_t len, uint64_t v) { put(off, len, fmt::format("{:0{}o}", v, len - 1)); };
  uint64_t size = e.size == UINT64_MAX ? e.data.size() : e.size;
  put(0, 100, e.name);
  octal(100, 8, e.mode);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, 1000000000);
  h[156] = e.type;
  put(157, 100, e.linkname);
  put(257, 6, std::string("ustar\0", 6));
  put(263, 2, "00");
  put(345, 155, e.prefix);
  put(148, 8, "        ");
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  put(148, 8, fmt::format("{:06o}", sum) + std::string("\0 ", 2));
  std::string data = e.data;
  data.resize((data.size() + 511) / 512 * 512, '\0');
  return h + data;
}

// A pax extended header ('x') carrying the given records.
inline std::string pax_header(const std::vector<std::pair<std::string, std::string>>& records) {
  std::string body;
  for (const auto& [k, v] : records) {
    std::string rec = " " + k + "=" + v + "\n";
    size_t len = rec.size() + 1;
    while (std::to_string(len).size() + rec.size() != len) ++len;
    body += std::to_string(len) + rec;
  }
  return raw_entry({.name = "PaxHeaders/x", .type = 'x', .data = body});
}

inline std::string end_of_archive() { return std::string(1024, '\0'); }

// A tar read back with libarchive: one line per entry describing
// everything a layer carries (type, mode, owner, mtime, size, content,
// link target, xattrs), in archive order.
inline std::vector<std::string> list_tar(const std::string& tar) {
  struct archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_memory(a, tar.data(), tar.size()) == ARCHIVE_OK);
  std::vector<std::string> out;
  struct archive_entry* e;
  int r;
  while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
    std::string content;
    char buf[65536];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) content.append(buf, static_cast<size_t>(n));
    REQUIRE(n == 0);
    std::string line = fmt::format("{} type={:o} mode={:o} owner={}:{} mtime={} size={}", archive_entry_pathname(e),
                                   archive_entry_filetype(e), archive_entry_perm(e), archive_entry_uid(e),
                                   archive_entry_gid(e), archive_entry_mtime(e), archive_entry_size(e));
    const char* uname = archive_entry_uname(e);
    const char* gname = archive_entry_gname(e);
    if (uname && *uname) line += fmt::format(" uname={}", uname);
    if (gname && *gname) line += fmt::format(" gname={}", gname);
    if (!content.empty()) line += " content=" + (content.size() < 40 ? content : std::to_string(std::hash<std::string>()(content)));
    if (const char* l = archive_entry_symlink(e)) line += fmt::format(" symlink={}", l);
    if (const char* h = archive_entry_hardlink(e)) line += fmt::format(" hardlink={}", h);
    if (archive_entry_filetype(e) == AE_IFCHR || archive_entry_filetype(e) == AE_IFBLK) {
      line += fmt::format(" rdev={}:{}", archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
    }
    // libarchive's pax writer stores each xattr twice (LIBARCHIVE.xattr and
    // SCHILY.xattr records) and its reader reports both: show each once.
    archive_entry_xattr_reset(e);
    const char* key;
    const void* value;
    size_t size;
    std::vector<std::string> xattrs;
    while (archive_entry_xattr_next(e, &key, &value, &size) == ARCHIVE_OK) {
      std::string v(static_cast<const char*>(value), size);
      std::string shown;
      for (unsigned char c : v) shown += (c >= 0x20 && c < 0x7f) ? std::string(1, static_cast<char>(c)) : fmt::format("\\x{:02x}", c);
      xattrs.push_back(fmt::format(" xattr:{}={}", key, shown));
    }
    std::sort(xattrs.begin(), xattrs.end());
    xattrs.erase(std::unique(xattrs.begin(), xattrs.end()), xattrs.end());
    for (const auto& x : xattrs) line += x;
    out.push_back(line);
  }
  CHECK(r == ARCHIVE_EOF);
  archive_read_free(a);
  return out;
}

// One line per path below dir (sorted): type, mode, owner, size, mtime,
// and content or link target. Skips the subtree named `skip`.
inline void snapshot_into(const std::string& dir, const std::string& rel, const std::string& skip,
                          std::vector<std::string>& lines) {
  for (const auto& name : fs::list_dir(dir)) {
    std::string r = rel.empty() ? name : rel + "/" + name;
    if (r == skip) continue;
    std::string p = dir + "/" + name;
    struct stat st;
    REQUIRE(::lstat(p.c_str(), &st) == 0);
    std::string extra;
    if (S_ISREG(st.st_mode)) extra = fs::read_file(p);
    if (S_ISLNK(st.st_mode)) {
      char buf[4096];
      ssize_t n = ::readlink(p.c_str(), buf, sizeof buf);
      extra.assign(buf, n > 0 ? static_cast<size_t>(n) : 0);
    }
    lines.push_back(fmt::format("{} {:o} {}:{} n{} {} {}.{} [{}]", r, st.st_mode, st.st_uid, st.st_gid, st.st_nlink,
                                st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec, extra));
    if (S_ISDIR(st.st_mode)) snapshot_into(p, r, skip, lines);
  }
}

inline std::string snapshot(const std::string& dir, const std::string& skip = "") {
  std::vector<std::string> lines;
  snapshot_into(dir, "", skip, lines);
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace kayak::test
