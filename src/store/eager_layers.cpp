#include "kayak/store/eager_layers.hpp"

#include "kayak/store/layer_blob.hpp"

#include "kayak/archive/compression.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace kayak::store {

struct EagerLayers::Child {
  std::string label;
  std::string dir;  // work_dir/<n>, holds diff/
  pid_t pid = -1;
  UniqueFd sock;    // our end: the content goes in, EOF when it ends
  UniqueFd result;  // memfd the child writes its LayerBlobExtraction into
  UniqueFd blob;    // the file that was streamed, held open so its inode stays
  dev_t dev = 0;
  ino_t ino = 0;
  bool complete = false;  // every byte of the file went to the child
  bool broken = false;    // the child went away, or the content had a hole
  bool reaped = false;
  bool claimed = false;
  std::shared_ptr<const detail::LayerBlobExtraction> extraction;  // when it succeeded
};

namespace {

constexpr size_t kHeadSize = 512;  // one tar header block

// A tar header ("ustar" magic, POSIX or GNU) or a compressed stream.
bool looks_like_layer(std::string_view head) {
  if (archive::detect_compression(head.data(), head.size()) != archive::Compression::None) return true;
  return head.size() >= 262 && head.substr(257, 5) == "ustar";
}

// Never throws and never raises SIGPIPE: a child that stopped reading only
// means this layer is extracted the ordinary way.
bool send_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

class EagerTap : public archive::ContentTap {
public:
  EagerTap(EagerLayers& owner, std::string path) : owner_(owner), path_(std::move(path)) {}

  ~EagerTap() override {
    if (child_ && !child_->complete) {
      child_->broken = true;
      child_->sock.reset();
    }
  }

  void write(const void* data, size_t size) override {
    if (inert_) return;
    bytes_ += size;
    const char* p = static_cast<const char*>(data);
    if (!child_) {
      head_.append(p, size);
      if (head_.size() < kHeadSize) return;
      if (!looks_like_layer(head_)) {
        inert_ = true;
        head_.clear();
        return;
      }
      owner_.children_.push_back(std::make_unique<EagerLayers::Child>());
      child_ = owner_.children_.back().get();
      child_->label = path_;
      child_->dir = fs::join(owner_.work_dir_, std::to_string(owner_.children_.size()));
      owner_.start(*child_);
      p = head_.data();
      size = head_.size();
    }
    if (!child_->broken && !send_all(child_->sock.get(), p, size)) {
      child_->broken = true;
      child_->sock.reset();
    }
    head_.clear();
  }

  void finish(int fd) override {
    if (!child_ || child_->broken) return;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || static_cast<uint64_t>(st.st_size) != bytes_) return;  // ~EagerTap drops it
    child_->blob.reset(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
    if (!child_->blob) return;
    child_->dev = st.st_dev;
    child_->ino = st.st_ino;
    child_->complete = true;
    child_->sock.reset();  // EOF: the child finishes this layer
  }

private:
  EagerLayers& owner_;
  std::string path_;
  std::string head_;
  EagerLayers::Child* child_ = nullptr;
  bool inert_ = false;
  uint64_t bytes_ = 0;
};

EagerLayers::EagerLayers(std::string work_dir, archive::ExtractOptions options, unsigned max_running)
  : work_dir_(std::move(work_dir)), options_(std::move(options)) {
  options_.tap = nullptr;
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  max_running_ = max_running ? max_running : static_cast<unsigned>(std::clamp(cpus, 1L, 4L));
  fs::mkdir_p(work_dir_, 0700);
}

EagerLayers::~EagerLayers() {
  for (auto& child : children_) reap(*child, true);
}

std::unique_ptr<archive::ContentTap> EagerLayers::tap(const std::string& path) {
  return std::make_unique<EagerTap>(*this, path);
}

void EagerLayers::start(Child& child) {
  // At most max_running_ children: wait for the oldest (all but this one
  // already have their whole content).
  for (auto& other : children_) {
    unsigned running = 0;
    for (auto& c : children_) running += c->pid > 0 && !c->reaped;
    if (running < max_running_) break;
    if (other.get() != &child) reap(*other, other->broken || !other->complete);
  }
  std::string diff = fs::join(child.dir, "diff");
  fs::mkdir_p(child.dir, 0700);
  fs::mkdir_p(diff, 0755);
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) fail_errno("socketpair");
  UniqueFd ours(pair[0]), theirs(pair[1]);
  UniqueFd result(::memfd_create("kayak-layer", MFD_CLOEXEC));
  if (!result) fail_errno("memfd_create");
  pid_t pid = ::fork();
  if (pid < 0) fail_errno("fork");
  if (pid == 0) {
    // The child must see EOF on its socket when our content ends, so it
    // holds no other write end: not ours, not its siblings'.
    ours.reset();
    for (auto& c : children_) c->sock.reset();
    int code = 0;
    try {
      FdReader in(theirs.get(), child.label);
      detail::LayerBlobExtraction done = detail::extract_layer_blob(in, diff, options_, child.label);
      std::string text = json::dump(done.to_json());
      write_all(result.get(), text.data(), text.size(), "layer result");
    } catch (...) {
      code = 1;  // ingest extracts this layer itself and reports the error
    }
    ::_exit(code);
  }
  child.pid = pid;
  child.sock = std::move(ours);
  child.result = std::move(result);
}

void EagerLayers::reap(Child& child, bool kill_it) {
  if (child.pid <= 0 || child.reaped) return;
  child.sock.reset();
  if (kill_it) ::kill(child.pid, SIGKILL);
  int status = 0;
  while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
  }
  child.reaped = true;
  if (!kill_it && child.complete && !child.broken && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    try {
      std::string text = fs::read_fd_from_start(child.result.get(), "layer result");
      child.extraction = std::make_shared<detail::LayerBlobExtraction>(
          detail::LayerBlobExtraction::from_json(json::parse(text, "layer result")));
    } catch (const std::exception&) {
      child.extraction.reset();
    }
  }
  child.result.reset();
}

void EagerLayers::finish() {
  for (auto& child : children_) reap(*child, child->broken || !child->complete);
}

std::optional<EagerLayer> EagerLayers::claim(const std::string& blob_path) {
  struct stat st {};
  if (::stat(blob_path.c_str(), &st) != 0) return std::nullopt;
  for (auto& child : children_) {
    if (child->extraction && !child->claimed && child->complete && child->dev == st.st_dev &&
        child->ino == st.st_ino) {
      child->claimed = true;
      return EagerLayer{fs::join(child->dir, "diff"), child->extraction};
    }
  }
  return std::nullopt;
}

}  // namespace kayak::store
