// Reading back a journald-logged container (`logs` with --log-driver
// journald): its entries as journalctl prints them in JSON
// (`journalctl -o json CONTAINER_ID_FULL=<id>`), turned into the same log
// entries a k8s-file log holds, so `logs` filters and prints both alike.
#pragma once

#include "kayak/monitor/log_file.hpp"
#include "kayak/util/fd.hpp"

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kayak::commands {

// One line of `journalctl -o json`; nullopt for a line that is no entry.
// The cursor of the entry is stored in *cursor when given.
std::optional<monitor::LogEntry> parse_journal_json(std::string_view line, std::string* cursor = nullptr);

// The journalctl on PATH; "" when there is none.
std::string find_journalctl();

class JournalReader {
public:
  // Throws (clearly) when journalctl is not available.
  explicit JournalReader(std::string container_id);
  ~JournalReader();
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;

  // The first call reads every entry there is; later calls read what was
  // logged since (journalctl --after-cursor).
  void poll(const std::function<void(monitor::LogEntry)>& sink);

private:
  void start();
  void read_available(const std::function<void(monitor::LogEntry)>& sink);
  void stop_child();

  std::string journalctl_;
  std::string container_id_;
  std::string cursor_;
  pid_t child_ = -1;
  UniqueFd out_;
  std::string buffer_;
};

}  // namespace kayak::commands
