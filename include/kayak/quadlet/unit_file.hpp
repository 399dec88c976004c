// systemd unit file syntax (systemd.syntax(7)), as the Quadlet generator
// reads .container and .volume files and writes .service files:
//   - [Section] headers; Key=Value entries, whitespace around both trimmed;
//   - lines starting with '#' or ';' are comments, also inside a continued
//     value (systemd skips them there too);
//   - a line ending in a backslash continues on the next one (the backslash
//     becomes a space);
//   - a key may repeat: list keys collect every value, an empty value
//     clears what came before (systemd's rule), single keys keep the last.
// Every entry remembers its line, so a bad key or value is reported as
// file:line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::quadlet {

struct UnitEntry {
  std::string key;
  std::string value;
  int line = 0;  // 1-based line of the entry's first line; 0: generated
};

struct UnitSection {
  std::string name;
  int line = 0;
  std::vector<UnitEntry> entries;
};

// A problem found in a source file.
struct Diagnostic {
  int line = 0;  // 0: the file as a whole
  std::string message;
};

class UnitFile {
public:
  // Parses text; syntax errors (a line that is neither section, entry nor
  // comment; an entry before any section) go to diagnostics, and parsing
  // goes on with the next line.
  static UnitFile parse(std::string_view text, std::vector<Diagnostic>& diagnostics);

  const std::vector<UnitSection>& sections() const { return sections_; }
  const UnitSection* section(std::string_view name) const;
  // The section, appended when missing.
  UnitSection& section_slot(std::string_view name);

  // A list key's values in order: an empty value clears the ones before it.
  std::vector<const UnitEntry*> values(std::string_view section, std::string_view key) const;
  // A single key: its last entry; nullptr when missing.
  const UnitEntry* last(std::string_view section, std::string_view key) const;

  void add(std::string_view section, std::string key, std::string value);

  // Unit file text: sections in order, a blank line between them.
  std::string to_string() const;

private:
  std::vector<UnitSection> sections_;
};

// systemd's boolean words: 1/yes/y/true/t/on and 0/no/n/false/f/off
// (any case); nullopt for anything else.
std::optional<bool> parse_unit_bool(std::string_view text);

// Splits a value into words as systemd does for Exec= and Environment=:
// whitespace separates, "double" and 'single' quotes group, C escapes
// (\n \t \\ \" \' \s \xHH, octal \NNN) are decoded. Throws kayak::Error on an
// unterminated quote or a bad escape.
std::vector<std::string> split_unit_words(std::string_view text);

// Quotes a word for an Exec line so split_unit_words gives it back
// unchanged (plain words stay as they are).
std::string quote_unit_word(std::string_view word);

}  // namespace kayak::quadlet
