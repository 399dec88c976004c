// --log-driver journald: each line of a container's output becomes one
// journal entry, sent over journald's native protocol (a datagram of
// KEY=VALUE fields on /run/systemd/journal/socket), so no libsystemd is
// needed. Every entry carries
//   MESSAGE            the line, without its newline
//   PRIORITY           6 (info) for stdout, 3 (err) for stderr
//   CONTAINER_ID       first 12 hex digits of the id
//   CONTAINER_ID_FULL  the whole id (what `logs` selects on)
//   CONTAINER_NAME     the container's name
//   CONTAINER_TAG      --log-opt tag=..., when given
//   SYSLOG_IDENTIFIER  the tag when given, else the container's name
//   CONTAINER_PARTIAL_MESSAGE=true  on a piece without its newline
// The socket path is KAYAK_JOURNAL_SOCKET when set (tests point it at a
// socket of their own), else journald's.
#pragma once

#include "kayak/monitor/log_file.hpp"
#include "kayak/util/fd.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kayak::monitor {

using JournalFields = std::vector<std::pair<std::string, std::string>>;

// KAYAK_JOURNAL_SOCKET, else /run/systemd/journal/socket.
std::string journal_socket_path();

// One entry in the native protocol: KEY=VALUE\n, or for a value holding a
// newline the binary-safe KEY\n<64-bit little-endian size><value>\n.
std::string encode_journal_entry(const JournalFields& fields);

struct JournalIdentity {
  std::string container_id;    // 64 hex
  std::string container_name;
  std::string tag;             // --log-opt tag; "" : none
};

class JournalWriter {
public:
  JournalWriter(JournalIdentity identity, std::string socket_path);

  // What one read of a stream returned: an entry per line, the remainder
  // (if any) as a partial entry.
  void write(LogStream stream, std::string_view data);

private:
  void send(const std::string& datagram);
  void send_as_memfd(const std::string& datagram);
  // The fields every entry of this container carries.
  JournalFields common_;
  std::string socket_path_;
  UniqueFd socket_;
  bool warned_ = false;
};

}  // namespace kayak::monitor
