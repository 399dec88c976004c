#include "kayak/monitor/journal_writer.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/log.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace kayak::monitor {

namespace {

constexpr const char* kJournalSocket = "/run/systemd/journal/socket";

sockaddr_un journal_address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) fail("journal socket path too long: {}", path);
  std::memcpy(addr.sun_path, path.data(), path.size());
  return addr;
}

void append_le64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

}  // namespace

std::string journal_socket_path() {
  const char* env = std::getenv("KAYAK_JOURNAL_SOCKET");
  return env && *env ? env : kJournalSocket;
}

std::string encode_journal_entry(const JournalFields& fields) {
  std::string out;
  for (const auto& [key, value] : fields) {
    out += key;
    if (value.find('\n') == std::string::npos) {
      out += '=';
      out += value;
    } else {
      out += '\n';
      append_le64(out, value.size());
      out += value;
    }
    out += '\n';
  }
  return out;
}

JournalWriter::JournalWriter(JournalIdentity identity, std::string socket_path)
  : socket_path_(std::move(socket_path)) {
  common_ = {
    {"CONTAINER_ID", identity.container_id.substr(0, 12)},
    {"CONTAINER_ID_FULL", identity.container_id},
    {"CONTAINER_NAME", identity.container_name},
  };
  if (!identity.tag.empty()) common_.emplace_back("CONTAINER_TAG", identity.tag);
  common_.emplace_back("SYSLOG_IDENTIFIER", identity.tag.empty() ? identity.container_name : identity.tag);
  socket_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!socket_) fail_errno("socket for the journal");
  // The monitor hands over at most one read (64 KiB) at a time, so entries
  // are small; a 1 MiB send buffer (the kernel doubles it, wmem_max caps
  // it) keeps them in one datagram, bigger ones take the memfd path.
  int size = 1 << 20;
  ::setsockopt(socket_.get(), SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
}

void JournalWriter::write(LogStream stream, std::string_view data) {
  while (!data.empty()) {
    size_t nl = data.find('\n');
    bool partial = nl == std::string_view::npos;
    JournalFields fields;
    fields.emplace_back("MESSAGE", std::string(data.substr(0, nl)));
    fields.emplace_back("PRIORITY", stream == LogStream::Stdout ? "6" : "3");
    if (partial) fields.emplace_back("CONTAINER_PARTIAL_MESSAGE", "true");
    fields.insert(fields.end(), common_.begin(), common_.end());
    data.remove_prefix(partial ? data.size() : nl + 1);
    send(encode_journal_entry(fields));
  }
}

void JournalWriter::send(const std::string& datagram) {
  sockaddr_un addr = journal_address(socket_path_);
  for (;;) {
    ssize_t n = ::sendto(socket_.get(), datagram.data(), datagram.size(), MSG_NOSIGNAL,
                         reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    if (n >= 0) return;
    if (errno == EINTR) continue;
    break;
  }
  int err = errno;
  try {
    // Too big for one datagram: the protocol takes a sealed memfd instead.
    if (err == EMSGSIZE || err == ENOBUFS) return send_as_memfd(datagram);
    errno = err;
    fail_errno("send to the journal at {}", socket_path_);
  } catch (const Error& e) {
    // A journal that is gone must not stop the container; say it once, and
    // keep trying (journald may come back).
    if (!warned_) log::warn("container log: {}", e.what());
    warned_ = true;
  }
}

void JournalWriter::send_as_memfd(const std::string& datagram) {
  UniqueFd memfd(::memfd_create("kayak-journal", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!memfd) fail_errno("memfd_create for the journal");
  size_t done = 0;
  while (done < datagram.size()) {
    ssize_t n = ::write(memfd.get(), datagram.data() + done, datagram.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("write the journal entry to a memfd");
    done += static_cast<size_t>(n);
  }
  // journald accepts only a sealed memfd: the entry cannot change under it.
  if (::fcntl(memfd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
    fail_errno("seal the journal memfd");
  sockaddr_un addr = journal_address(socket_path_);
  msghdr msg{};
  msg.msg_name = &addr;
  msg.msg_namelen = sizeof addr;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  int fd = memfd.get();
  std::memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
  while (::sendmsg(socket_.get(), &msg, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) fail_errno("send a large entry to the journal at {}", socket_path_);
  }
}

}  // namespace kayak::monitor
