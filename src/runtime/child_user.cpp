// No allocation here: this runs in the container's init before execve.
#include "child_user.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace kayak::runtime::detail {

namespace {

// Hands out the lines of a file one by one from a fixed buffer. A line too
// long for the buffer is skipped whole (no passwd line legitimately is).
class LineReader {
public:
  explicit LineReader(int fd) : fd_(fd) {}

  // The next line, NUL-terminated, or nullptr at the end (or on a read error).
  char* next() {
    for (;;) {
      if (char* nl = static_cast<char*>(std::memchr(buf_ + start_, '\n', end_ - start_))) {
        *nl = '\0';
        char* line = buf_ + start_;
        start_ = static_cast<size_t>(nl - buf_) + 1;
        if (skipping_) {
          skipping_ = false;
          continue;
        }
        return line;
      }
      if (eof_) {
        if (start_ == end_ || skipping_) return nullptr;
        buf_[end_] = '\0';
        char* line = buf_ + start_;
        start_ = end_;
        return line;
      }
      std::memmove(buf_, buf_ + start_, end_ - start_);
      end_ -= start_;
      start_ = 0;
      if (end_ == sizeof buf_ - 1) {  // a line longer than the buffer
        skipping_ = true;
        end_ = 0;
      }
      ssize_t n = ::read(fd_, buf_ + end_, sizeof buf_ - 1 - end_);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        eof_ = true;
      } else {
        end_ += static_cast<size_t>(n);
      }
    }
  }

private:
  int fd_;
  char buf_[4096];
  size_t start_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool skipping_ = false;
};

class File {
public:
  explicit File(const char* path) : fd_(::open(path, O_RDONLY | O_CLOEXEC)) {}
  ~File() {
    if (fd_ >= 0) ::close(fd_);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  int fd() const { return fd_; }

private:
  int fd_;
};

// Splits line at ':' in place; returns the number of fields (at most max).
size_t split_fields(char* line, char** fields, size_t max) {
  size_t n = 0;
  fields[n++] = line;
  for (char* p = line; *p && n < max; ++p) {
    if (*p == ':') {
      *p = '\0';
      fields[n++] = p + 1;
    }
  }
  return n;
}

bool parse_id(const char* s, uint32_t& out) {
  if (*s == '\0') return false;
  uint64_t v = 0;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9') return false;
    v = v * 10 + static_cast<uint64_t>(*s - '0');
    if (v >= 0xffffffffu) return false;
  }
  out = static_cast<uint32_t>(v);
  return true;
}

void copy(char* dst, size_t size, const char* src) {
  size_t n = std::strlen(src);
  if (n >= size) n = size - 1;
  std::memcpy(dst, src, n);
  dst[n] = '\0';
}

bool has_member(char* list, const char* name) {
  for (char* p = list;;) {
    char* comma = std::strchr(p, ',');
    size_t len = comma ? static_cast<size_t>(comma - p) : std::strlen(p);
    if (len == std::strlen(name) && std::strncmp(p, name, len) == 0) return true;
    if (!comma) return false;
    p = comma + 1;
  }
}

}  // namespace

UserLookup resolve_user(const char* spec, const gid_t* extra, size_t extra_count, ResolvedUser& out, int* err) {
  char user[256] = "0";
  char group[256] = "";
  bool has_group = false;
  if (spec[0] != '\0') {
    copy(user, sizeof user, spec);
    if (char* colon = std::strchr(user, ':')) {
      *colon = '\0';
      copy(group, sizeof group, colon + 1);
      has_group = true;
    }
    if (user[0] == '\0') copy(user, sizeof user, "0");  // ":group"
  }
  uint32_t number = 0;
  bool numeric_user = parse_id(user, number);

  // passwd: name:password:uid:gid:gecos:home:shell
  char name[256] = "";
  bool found = false;
  out.uid = numeric_user ? number : 0;
  out.gid = 0;
  copy(out.home, sizeof out.home, "/");
  {
    File passwd("/etc/passwd");
    if (passwd.fd() < 0 && errno != ENOENT) {
      *err = errno;
      return UserLookup::Failed;
    }
    if (passwd.fd() >= 0) {
      LineReader lines(passwd.fd());
      while (char* line = lines.next()) {
        char* f[7];
        if (split_fields(line, f, 7) < 7) continue;
        uint32_t uid = 0, gid = 0;
        if (!parse_id(f[2], uid) || !parse_id(f[3], gid)) continue;
        bool match = std::strcmp(f[0], user) == 0 || (numeric_user && uid == number);
        if (!match) continue;
        out.uid = uid;
        out.gid = gid;
        copy(out.home, sizeof out.home, f[5][0] ? f[5] : "/");
        copy(name, sizeof name, f[0]);
        found = true;
        break;
      }
    }
  }
  if (!found && !numeric_user) return UserLookup::NoSuchUser;

  // group: name:password:gid:member,member
  out.group_count = 0;
  uint32_t group_number = 0;
  bool numeric_group = has_group && parse_id(group, group_number);
  if (numeric_group) out.gid = group_number;
  bool scan = (has_group && !numeric_group) || (!has_group && name[0] != '\0');
  bool group_found = false;
  if (scan) {
    File groups("/etc/group");
    if (groups.fd() < 0 && errno != ENOENT) {
      *err = errno;
      return UserLookup::Failed;
    }
    if (groups.fd() >= 0) {
      LineReader lines(groups.fd());
      while (char* line = lines.next()) {
        char* f[4] = {nullptr, nullptr, nullptr, nullptr};
        size_t fields = split_fields(line, f, 4);
        if (fields < 3) continue;
        uint32_t gid = 0;
        if (!parse_id(f[2], gid)) continue;
        if (has_group) {
          if (std::strcmp(f[0], group) == 0) {
            out.gid = gid;
            group_found = true;
            break;
          }
        } else if (fields == 4 && has_member(f[3], name) && out.group_count < kMaxGroups) {
          out.groups[out.group_count++] = gid;
        }
      }
    }
    if (has_group && !group_found) return UserLookup::NoSuchGroup;
  }
  for (size_t i = 0; i < extra_count && out.group_count < kMaxGroups; ++i) out.groups[out.group_count++] = extra[i];
  return UserLookup::Ok;
}

}  // namespace kayak::runtime::detail
