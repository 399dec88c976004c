// --log-driver journald: the native protocol's encoding, and the entries a
// JournalWriter sends to a datagram socket this test binds.
#include "kayak/monitor/journal_writer.hpp"
#include "kayak/util/fs.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <doctest/doctest.h>

using namespace kayak;
using namespace kayak::monitor;

namespace {

struct FakeJournal {
  fs::TempDir dir{"", "kayak-journal-test-"};
  std::string path = fs::join(dir.path(), "socket");
  UniqueFd fd{::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)};

  FakeJournal() {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }

  // The next datagram (non-blocking: "" when none is queued).
  std::string receive() {
    char buffer[65536];
    ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, MSG_DONTWAIT);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
  }
};

}  // namespace

TEST_CASE("journal: KEY=VALUE lines, the binary-safe form for values with a newline") {
  CHECK(encode_journal_entry({{"MESSAGE", "hi"}, {"PRIORITY", "6"}}) == "MESSAGE=hi\nPRIORITY=6\n");
  std::string binary = encode_journal_entry({{"MESSAGE", "a\nb"}});
  CHECK(binary == std::string("MESSAGE\n\x03\0\0\0\0\0\0\0a\nb\n", 8 + 8 + 4));
}

TEST_CASE("journal: one entry per line with the container's fields") {
  FakeJournal journal;
  JournalWriter writer({.container_id = std::string(64, 'a'), .container_name = "web", .tag = ""}, journal.path);
  writer.write(LogStream::Stdout, "one\ntwo\npart");
  writer.write(LogStream::Stderr, "oops\n");
  std::string common = "CONTAINER_ID=aaaaaaaaaaaa\nCONTAINER_ID_FULL=" + std::string(64, 'a') +
                       "\nCONTAINER_NAME=web\nSYSLOG_IDENTIFIER=web\n";
  CHECK(journal.receive() == "MESSAGE=one\nPRIORITY=6\n" + common);
  CHECK(journal.receive() == "MESSAGE=two\nPRIORITY=6\n" + common);
  CHECK(journal.receive() == "MESSAGE=part\nPRIORITY=6\nCONTAINER_PARTIAL_MESSAGE=true\n" + common);
  CHECK(journal.receive() == "MESSAGE=oops\nPRIORITY=3\n" + common);
  CHECK(journal.receive().empty());
}

TEST_CASE("journal: a tag names the entries; a missing journal does not throw") {
  FakeJournal journal;
  JournalWriter writer({.container_id = std::string(64, 'b'), .container_name = "db", .tag = "mytag"}, journal.path);
  writer.write(LogStream::Stdout, "x\n");
  std::string entry = journal.receive();
  CHECK(entry.find("\nCONTAINER_TAG=mytag\n") != std::string::npos);
  CHECK(entry.find("\nSYSLOG_IDENTIFIER=mytag\n") != std::string::npos);

  JournalWriter nowhere({.container_id = std::string(64, 'c'), .container_name = "c", .tag = ""},
                        journal.path + ".missing");
  CHECK_NOTHROW(nowhere.write(LogStream::Stdout, "lost\n"));
}

TEST_CASE("journal: an entry too big for a datagram goes as a sealed memfd") {
  FakeJournal journal;
  // Keep the socket's send buffer from covering the entry, whatever
  // wmem_max allows: the entry is bigger than the receiver's whole buffer.
  int small = 4096;
  ::setsockopt(journal.fd.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  JournalWriter writer({.container_id = std::string(64, 'd'), .container_name = "big", .tag = ""}, journal.path);
  std::string line(4 << 20, 'x');
  writer.write(LogStream::Stdout, line + "\n");

  char byte;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  iovec iov{&byte, 1};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  REQUIRE(::recvmsg(journal.fd.get(), &msg, MSG_DONTWAIT) >= 0);
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  REQUIRE(cmsg);
  REQUIRE(cmsg->cmsg_type == SCM_RIGHTS);
  int fd;
  std::memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
  UniqueFd memfd(fd);
  CHECK((::fcntl(memfd.get(), F_GET_SEALS) & F_SEAL_WRITE) != 0);
  std::string content;
  char buffer[65536];
  ::lseek(memfd.get(), 0, SEEK_SET);
  for (ssize_t n; (n = ::read(memfd.get(), buffer, sizeof buffer)) > 0;) content.append(buffer, static_cast<size_t>(n));
  CHECK(content.starts_with("MESSAGE=" + line + "\nPRIORITY=6\n"));
}
