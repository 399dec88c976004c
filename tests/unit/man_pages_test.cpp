// The man pages in man/ against the command table: every visible command has
// a page, every flag (long name and short form) is in its page's OPTIONS,
// no page or OPTIONS entry describes something the table does not have, and
// the build (man/meson.build, man/aliases.txt) installs what the table names.
// A failure message lists exactly what is missing and where, so whoever adds
// a command or flag knows which page to write.
#include "kayak/cli/command_table.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <doctest/doctest.h>

#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <set>

using namespace kayak;
using namespace kayak::cli;

namespace {

using Pages = std::map<std::string, std::string>;  // file name -> markdown

const std::vector<std::string> required_sections = {
  "NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXAMPLES", "EXIT STATUS", "SEE ALSO",
};

// "container ls" -> "kayak-container-ls"
std::string page_name(std::string_view path) { return "kayak-" + str::replace_all(path, " ", "-"); }
std::string page_file(std::string_view path) { return page_name(path) + ".1.md"; }

// The lines of `text` under the heading "# <name>", up to the next heading.
std::vector<std::string> section(const std::string& text, std::string_view name) {
  std::vector<std::string> out;
  bool inside = false;
  for (const std::string& line : str::split(text, '\n')) {
    if (line.starts_with("# ")) {
      inside = str::trim(std::string_view(line).substr(2)) == name;
      continue;
    }
    if (inside) out.push_back(line);
  }
  return out;
}

bool has_section(const std::string& text, std::string_view name) {
  for (const std::string& line : str::split(text, '\n')) {
    if (line.starts_with("# ") && str::trim(std::string_view(line).substr(2)) == name) return true;
  }
  return false;
}

// One OPTIONS entry: its term line ("**-d**, **--detach**") and the
// definition under it.
struct OptionEntry {
  std::string term;
  std::string text;
};

std::vector<OptionEntry> option_entries(const std::string& page) {
  std::vector<OptionEntry> entries;
  for (const std::string& line : section(page, "OPTIONS")) {
    if (line.starts_with("**-")) {
      entries.push_back({line, line});
    } else if (!entries.empty()) {
      entries.back().text += "\n" + line;
    }
  }
  return entries;
}

// The long flag names a term line documents: "**--name**".
std::vector<std::string> long_names_in(const std::string& term) {
  std::vector<std::string> names;
  size_t pos = 0;
  while ((pos = term.find("**--", pos)) != std::string::npos) {
    size_t start = pos + 4;
    size_t end = term.find("**", start);
    if (end == std::string::npos) break;
    names.push_back(term.substr(start, end - start));
    pos = end + 2;
  }
  return names;
}

bool term_names(const std::string& term, std::string_view long_name) {
  for (const std::string& name : long_names_in(term)) {
    if (name == long_name) return true;
  }
  return false;
}

std::string flag_label(const Flag& flag) {
  std::string label = fmt::format("--{}", flag.name);
  if (flag.shorthand) label += fmt::format(" (-{})", flag.shorthand);
  return label;
}

// What a page must say about `flags`; `where` names the page for messages.
void check_options(const std::string& where, const std::string& page, std::span<const Flag> flags,
                   std::vector<std::string>& problems) {
  std::vector<OptionEntry> entries = option_entries(page);
  std::set<std::string> known = {"help"};
  for (const Flag& flag : flags) {
    known.insert(std::string(flag.name));
    if (flag.hidden) continue;
    const OptionEntry* entry = nullptr;
    for (const OptionEntry& e : entries) {
      if (term_names(e.term, flag.name)) entry = &e;
    }
    if (!entry) {
      problems.push_back(fmt::format("{}: OPTIONS misses {}", where, flag_label(flag)));
      continue;
    }
    if (flag.shorthand && !str::contains(entry->term, fmt::format("**-{}**", flag.shorthand))) {
      problems.push_back(fmt::format("{}: OPTIONS entry --{} misses its short form -{}", where, flag.name,
                                     flag.shorthand));
    }
    if (flag.type != FlagType::Bool && !str::contains(entry->term, fmt::format("**--{}**=", flag.name))) {
      problems.push_back(fmt::format("{}: OPTIONS entry --{} does not name its value (**--{}**=*VALUE*)", where,
                                     flag.name, flag.name));
    }
    if (!flag.default_value.empty() && !str::contains(entry->text, flag.default_value)) {
      problems.push_back(fmt::format("{}: OPTIONS entry --{} does not give its default {}", where, flag.name,
                                     flag.default_value));
    }
  }
  for (const OptionEntry& e : entries) {
    for (const std::string& name : long_names_in(e.term)) {
      if (!known.contains(name)) problems.push_back(fmt::format("{}: OPTIONS documents --{}, which the command does not have", where, name));
    }
  }
}

// Problems of the pages against `table`: the checker the real test runs,
// kept apart so the tests below can prove it notices what it should.
std::vector<std::string> page_problems(CommandTable table, std::span<const Flag> globals, const Pages& pages) {
  std::vector<std::string> problems;
  std::set<std::string> expected = {"kayak.1.md"};
  auto main_page = pages.find("kayak.1.md");
  if (main_page == pages.end()) problems.push_back("man/kayak.1.md is missing");

  for (const Command& command : table) {
    if (command.hidden) continue;
    std::string file = page_file(command.names.front());
    expected.insert(file);
    auto found = pages.find(file);
    if (found == pages.end()) {
      problems.push_back(fmt::format("command '{}' has no page man/{}", command.names.front(), file));
      continue;
    }
    const std::string& page = found->second;
    std::string where = "man/" + file;
    if (!page.starts_with(fmt::format("% {} 1 ", page_name(command.names.front())))) {
      problems.push_back(fmt::format("{}: the first line is not '% {} 1 ...'", where, page_name(command.names.front())));
    }
    for (const std::string& name : required_sections) {
      if (!has_section(page, name)) problems.push_back(fmt::format("{}: no '# {}' section", where, name));
    }
    std::string name_line = str::join(section(page, "NAME"), "\n");
    if (!str::contains(name_line, page_name(command.names.front()) + " - ")) {
      problems.push_back(fmt::format("{}: NAME does not start with '{} - '", where, page_name(command.names.front())));
    }
    // Every name, aliases too, in the synopsis: a reader who typed `man
    // kayak-ps` sees that ps is container ls.
    std::string synopsis = str::join(section(page, "SYNOPSIS"), "\n");
    for (std::string_view name : command.names) {
      if (!str::contains(synopsis, fmt::format("**kayak {}**", name))) {
        problems.push_back(fmt::format("{}: SYNOPSIS misses **kayak {}**", where, name));
      }
    }
    check_options(where, page, command.flags, problems);
    if (command.group) {
      std::string listed = str::join(section(page, "COMMANDS"), "\n");
      std::string prefix = std::string(command.names.front()) + " ";
      for (const Command& sub : table) {
        if (sub.hidden || !sub.names.front().starts_with(prefix)) continue;
        if (!str::contains(listed, fmt::format("**{}**(1)", page_name(sub.names.front())))) {
          problems.push_back(fmt::format("{}: COMMANDS misses **{}**(1)", where, page_name(sub.names.front())));
        }
      }
    }
    if (main_page != pages.end() && !str::contains(main_page->second, fmt::format("**{}**(1)", page_name(command.names.front())))) {
      problems.push_back(fmt::format("man/kayak.1.md: COMMANDS misses **{}**(1)", page_name(command.names.front())));
    }
  }
  if (main_page != pages.end()) {
    std::string main_text = main_page->second;
    // kayak.1's OPTIONS are the global flags.
    check_options("man/kayak.1.md", main_text, globals, problems);
    for (const std::string& name : {"FILES", "ENVIRONMENT", "ROOTLESS USE"}) {
      if (!has_section(main_text, name)) problems.push_back(fmt::format("man/kayak.1.md: no '# {}' section", name));
    }
  }
  for (const auto& [file, text] : pages) {
    if (!expected.contains(file)) problems.push_back(fmt::format("page man/{} documents no command", file));
  }
  return problems;
}

// aliases.txt: "ALIAS-PAGE CANONICAL-PAGE" per line, one line per alias, so
// `man kayak-ps` finds kayak-container-ls.
std::vector<std::string> alias_problems(CommandTable table, const std::string& aliases_txt) {
  std::set<std::string> expected;
  for (const Command& command : table) {
    if (command.hidden) continue;
    for (size_t i = 1; i < command.names.size(); ++i) {
      expected.insert(page_name(command.names[i]) + " " + page_name(command.names.front()));
    }
  }
  std::set<std::string> listed;
  for (const std::string& line : str::split(aliases_txt, '\n')) {
    std::string_view trimmed = str::trim(line);
    if (!trimmed.empty() && !trimmed.starts_with("#")) listed.emplace(trimmed);
  }
  std::vector<std::string> problems;
  for (const std::string& line : expected) {
    if (!listed.contains(line)) problems.push_back(fmt::format("man/aliases.txt misses the line '{}'", line));
  }
  for (const std::string& line : listed) {
    if (!expected.contains(line)) problems.push_back(fmt::format("man/aliases.txt: '{}' is no alias of the table", line));
  }
  return problems;
}

// man/meson.build converts the pages it names: each one must be there.
std::vector<std::string> build_problems(const Pages& pages, const std::string& meson_build) {
  std::vector<std::string> problems;
  for (const auto& [file, text] : pages) {
    std::string base = file.substr(0, file.size() - std::string_view(".1.md").size());
    if (!str::contains(meson_build, fmt::format("'{}'", base))) {
      problems.push_back(fmt::format("man/meson.build does not list '{}'", base));
    }
  }
  return problems;
}

std::string man_dir() {
  const char* dir = std::getenv("KAYAK_MAN_DIR");
  REQUIRE_MESSAGE(dir != nullptr, "KAYAK_MAN_DIR names the source tree's man/ (set by meson test)");
  return dir;
}

Pages read_pages(const std::string& dir) {
  Pages pages;
  for (const std::string& name : fs::list_dir(dir)) {
    if (name.starts_with("kayak") && name.ends_with(".1.md")) pages[name] = fs::read_file(fs::join(dir, name));
  }
  return pages;
}

std::string report(const std::vector<std::string>& problems) { return str::join(problems, "\n"); }

const std::vector<Command> small_table = {
  {.names = {"image"}, .usage = "COMMAND", .summary = "Manage images", .group = true},
  {.names = {"image ls", "images"}, .usage = "", .summary = "List images",
   .flags = {{.name = "all", .shorthand = 'a', .description = "Show all"},
             {.name = "format", .type = FlagType::String, .description = "Format", .default_value = "table"},
             {.name = "secret", .description = "Internal", .hidden = true}}},
  {.names = {"monitor"}, .usage = "ID", .summary = "Internal", .hidden = true},
};
const std::vector<Flag> small_globals = {{.name = "root", .type = FlagType::String, .description = "Store"}};

const char* good_main = "% kayak 1\n\n# NAME\n\nkayak - x\n\n# OPTIONS\n\n**--root**=*DIR*\n:   Store.\n\n"
                        "# COMMANDS\n\n**kayak-image**(1), **kayak-image-ls**(1)\n\n"
                        "# FILES\n\n# ENVIRONMENT\n\n# ROOTLESS USE\n";
const char* good_group = "% kayak-image 1 \"\" \"kayak\"\n\n# NAME\n\nkayak-image - manage images\n\n"
                         "# SYNOPSIS\n\n**kayak image** *COMMAND*\n\n# DESCRIPTION\n\nx\n\n"
                         "# COMMANDS\n\n**kayak-image-ls**(1)\n:   List.\n\n# OPTIONS\n\n**-h**, **--help**\n:   Help.\n\n"
                         "# EXAMPLES\n\n# EXIT STATUS\n\n# SEE ALSO\n";
const char* good_ls = "% kayak-image-ls 1 \"\" \"kayak\"\n\n# NAME\n\nkayak-image-ls - list images\n\n"
                      "# SYNOPSIS\n\n**kayak image ls** [*OPTIONS*]\n\n**kayak images** [*OPTIONS*]\n\n"
                      "# DESCRIPTION\n\nx\n\n# OPTIONS\n\n**-a**, **--all**\n:   All.\n\n"
                      "**--format**=*FORMAT*\n:   Default: **table**.\n\n"
                      "# EXAMPLES\n\n# EXIT STATUS\n\n# SEE ALSO\n";

Pages good_pages() {
  return {{"kayak.1.md", good_main}, {"kayak-image.1.md", good_group}, {"kayak-image-ls.1.md", good_ls}};
}

}  // namespace

TEST_CASE("man page check: accepts complete pages") {
  CHECK(report(page_problems(small_table, small_globals, good_pages())) == "");
  CHECK(report(alias_problems(small_table, "# comment\nkayak-images kayak-image-ls\n")) == "");
  CHECK(report(build_problems(good_pages(), "pages = ['kayak', 'kayak-image', 'kayak-image-ls']")) == "");
}

TEST_CASE("man page check: names what is missing") {
  Pages pages = good_pages();
  pages.erase("kayak-image.1.md");
  pages["kayak-image-ls.1.md"] = str::replace_all(good_ls, "**-a**, **--all**", "**--all**");
  pages["kayak-image-ls.1.md"] = str::replace_all(pages["kayak-image-ls.1.md"], "**kayak images**", "kayak images");
  pages["kayak-image-ls.1.md"] = str::replace_all(pages["kayak-image-ls.1.md"], "Default: **table**", "");
  pages["kayak-old.1.md"] = good_ls;
  pages["kayak.1.md"] = str::replace_all(good_main, "**--root**=*DIR*", "**--root**");
  CHECK(report(page_problems(small_table, small_globals, pages)) ==
        "command 'image' has no page man/kayak-image.1.md\n"
        "man/kayak-image-ls.1.md: SYNOPSIS misses **kayak images**\n"
        "man/kayak-image-ls.1.md: OPTIONS entry --all misses its short form -a\n"
        "man/kayak-image-ls.1.md: OPTIONS entry --format does not give its default table\n"
        "man/kayak.1.md: OPTIONS entry --root does not name its value (**--root**=*VALUE*)\n"
        "page man/kayak-old.1.md documents no command");
}

TEST_CASE("man page check: a flag not in OPTIONS, one the command lacks, a missing section") {
  Pages pages = good_pages();
  pages["kayak-image-ls.1.md"] = str::replace_all(good_ls, "**-a**, **--all**", "**-x**, **--extra**");
  pages["kayak-image-ls.1.md"] = str::replace_all(pages["kayak-image-ls.1.md"], "# EXAMPLES\n", "");
  pages["kayak-image.1.md"] = str::replace_all(good_group, "**kayak-image-ls**(1)\n:   List.", "");
  CHECK(report(page_problems(small_table, small_globals, pages)) ==
        "man/kayak-image.1.md: COMMANDS misses **kayak-image-ls**(1)\n"
        "man/kayak-image-ls.1.md: no '# EXAMPLES' section\n"
        "man/kayak-image-ls.1.md: OPTIONS misses --all (-a)\n"
        "man/kayak-image-ls.1.md: OPTIONS documents --extra, which the command does not have");
  CHECK(report(alias_problems(small_table, "kayak-imgs kayak-image-ls\n")) ==
        "man/aliases.txt misses the line 'kayak-images kayak-image-ls'\n"
        "man/aliases.txt: 'kayak-imgs kayak-image-ls' is no alias of the table");
  CHECK(report(build_problems(good_pages(), "pages = ['kayak', 'kayak-image-ls']")) ==
        "man/meson.build does not list 'kayak-image'");
}

TEST_CASE("man pages: every command and flag of kayak's table is documented") {
  std::string dir = man_dir();
  Pages pages = read_pages(dir);
  std::vector<std::string> problems = page_problems(command_table(), global_flags(), pages);
  for (std::string& p : alias_problems(command_table(), fs::read_file(fs::join(dir, "aliases.txt")))) {
    problems.push_back(std::move(p));
  }
  for (std::string& p : build_problems(pages, fs::read_file(fs::join(dir, "meson.build")))) {
    problems.push_back(std::move(p));
  }
  INFO("fix these in man/ (one per line):\n" << report(problems));
  CHECK(problems.empty());
}
