#include "kayak/cli/command_table.hpp"
#include "kayak/cli/dispatch.hpp"
#include "kayak/cli/handlers.hpp"
#include "kayak/cli/help.hpp"
#include "kayak/cli/parser.hpp"
#include "kayak/util/strings.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>

using namespace kayak;
using namespace kayak::cli;

namespace {

std::optional<std::string> no_env(std::string_view) { return std::nullopt; }

ParsedCommandLine parse_with(std::vector<std::string> args, CommandTable table = command_table(),
                             const EnvLookup& env = no_env) {
  return parse(args, table, env);
}

// Parses a command line that must resolve to a runnable command.
Invocation run_of(std::vector<std::string> args) {
  ParsedCommandLine parsed = parse_with(std::move(args));
  REQUIRE(parsed.action == ParsedCommandLine::Action::Run);
  REQUIRE(parsed.invocation.has_value());
  return *parsed.invocation;
}

// The UsageError message of a command line that must fail.
std::string usage_error_of(std::vector<std::string> args, CommandTable table = command_table()) {
  try {
    parse_with(std::move(args), table);
  } catch (const UsageError& e) {
    CHECK(e.exit_code() == 125);
    return e.what();
  }
  FAIL("expected a usage error");
  return {};
}

int run_test_handler(Invocation&) { return 7; }

// A small table for features kayak's own table does not use yet.
const std::vector<Command> test_table = {
  {.names = {"container"}, .usage = "COMMAND", .summary = "Manage containers", .group = true},
  {.names = {"container run", "run"},
   .usage = "IMAGE [COMMAND] [ARG...]",
   .summary = "Create and run a new container",
   .handler = run_test_handler,
   .args = at_least(1),
   .flags = {{.name = "detach", .shorthand = 'd', .description = "Run in background"}},
   .flags_before_args_only = true},
  {.names = {"monitor"}, .usage = "ID", .summary = "Watch a container", .handler = run_test_handler,
   .args = exactly(1), .hidden = true},
};

}  // namespace

TEST_CASE("cli: combined short flags") {
  Invocation inv = run_of({"images", "-aq"});
  CHECK(inv.flag("all"));
  CHECK(inv.flag("quiet"));
  CHECK_FALSE(inv.flag("digests"));
  CHECK(inv.args().empty());
}

TEST_CASE("cli: every spelling of a value flag, repeatable flags keep all values in order") {
  Invocation inv = run_of({"images", "-f", "a=1", "-fb=2", "-f=c=3", "--filter=d=4", "--filter",
                           "e=5", "-qf", "g=6"});
  CHECK(inv.values("filter") ==
        std::vector<std::string>{"a=1", "b=2", "c=3", "d=4", "e=5", "g=6"});
  CHECK(inv.value("filter") == "g=6");
  CHECK(inv.flag("quiet"));
}

TEST_CASE("cli: a plain value flag given twice keeps the last value") {
  Invocation inv = run_of({"save", "-o", "a.tar", "--output=b.tar", "img"});
  CHECK(inv.value("output") == "b.tar");
  CHECK(inv.values("output") == std::vector<std::string>{"b.tar"});
}

TEST_CASE("cli: a value flag takes the next argument even when it looks like a flag") {
  Invocation inv = run_of({"images", "--format", "-q"});
  CHECK(inv.value("format") == "-q");
  CHECK_FALSE(inv.flag("quiet"));
}

TEST_CASE("cli: bool flags accept =true|false and have defaults") {
  CHECK(run_of({"history", "img"}).flag("human"));  // default true
  CHECK_FALSE(run_of({"history", "--human=false", "img"}).flag("human"));
  CHECK_FALSE(run_of({"history", "-H=false", "img"}).flag("human"));
  CHECK_FALSE(run_of({"history", "--human=0", "img"}).flag("human"));
  CHECK(run_of({"history", "--human=false", "--human", "img"}).flag("human"));
  CHECK(run_of({"images", "--all=TRUE"}).flag("all"));
  // A bool flag never takes the next argument: "false" is positional here.
  Invocation inv = run_of({"history", "--human", "false"});
  CHECK(inv.flag("human"));
  CHECK(inv.args() == std::vector<std::string>{"false"});
  CHECK(usage_error_of({"images", "--all=maybe"}) ==
        "invalid argument \"maybe\" for \"-a, --all\" flag: expected true or false\n"
        "See 'kayak images --help'.");
}

TEST_CASE("cli: -- ends flags; a lone - is an argument") {
  Invocation inv = run_of({"rmi", "-f", "--", "-a", "--force"});
  CHECK(inv.flag("force"));
  CHECK_FALSE(inv.flag("all"));
  CHECK(inv.args() == std::vector<std::string>{"-a", "--force"});

  Invocation imp = run_of({"import", "-", "ref:1", "-m", "hello"});
  CHECK(imp.args() == std::vector<std::string>{"-", "ref:1"});
  CHECK(imp.value("message") == "hello");
}

TEST_CASE("cli: flags may follow positional arguments") {
  Invocation inv = run_of({"images", "busybox", "-q", "--no-trunc"});
  CHECK(inv.args() == std::vector<std::string>{"busybox"});
  CHECK(inv.flag("quiet"));
  CHECK(inv.flag("no-trunc"));
}

TEST_CASE("cli: a command that parses flags only before its first argument") {
  ParsedCommandLine parsed = parse_with({"run", "-d", "img", "sh", "-c", "--detach"}, test_table);
  REQUIRE(parsed.invocation);
  CHECK(parsed.invocation->flag("detach"));
  CHECK(parsed.invocation->args() == std::vector<std::string>{"img", "sh", "-c", "--detach"});
  CHECK(parsed.invocation->command_path() == "container run");
  CHECK(execute(parsed) == 7);
}

TEST_CASE("cli: unknown flags") {
  CHECK(usage_error_of({"images", "--x"}) == "unknown flag: --x\nSee 'kayak images --help'.");
  CHECK(usage_error_of({"image", "ls", "--x=1"}) ==
        "unknown flag: --x\nSee 'kayak image ls --help'.");
  CHECK(usage_error_of({"images", "-z"}) ==
        "unknown shorthand flag: 'z' in -z\nSee 'kayak images --help'.");
  CHECK(usage_error_of({"images", "-aqz"}) ==
        "unknown shorthand flag: 'z' in -aqz\nSee 'kayak images --help'.");
  CHECK(usage_error_of({"image", "--bogus"}) == "unknown flag: --bogus\nSee 'kayak image --help'.");
}

TEST_CASE("cli: value flags without a value") {
  CHECK(usage_error_of({"images", "--format"}) ==
        "flag needs an argument: --format\nSee 'kayak images --help'.");
  CHECK(usage_error_of({"images", "-qf"}) ==
        "flag needs an argument: 'f' in -qf\nSee 'kayak images --help'.");
}

TEST_CASE("cli: flag values outside the allowed choices") {
  CHECK(usage_error_of({"save", "--format", "zip", "img"}) ==
        "invalid argument \"zip\" for \"--format\" flag: must be one of docker-archive, "
        "oci-archive\nSee 'kayak save --help'.");
  CHECK(run_of({"save", "--format=oci-archive", "img"}).value("format") == "oci-archive");
}

TEST_CASE("cli: unknown commands, with cobra's suggestions") {
  CHECK(usage_error_of({"frobnicate"}) == "unknown command \"frobnicate\" for \"kayak\"\nSee 'kayak --help'.");
  CHECK(usage_error_of({"imagse"}) ==
        "unknown command \"imagse\" for \"kayak\"\n\nDid you mean this?\n\timage\n\timages\n\n"
        "See 'kayak --help'.");
  CHECK(usage_error_of({"image", "lss"}) ==
        "unknown command \"lss\" for \"kayak image\"\n\nDid you mean this?\n\tls\n\n"
        "See 'kayak image --help'.");
  // Hidden commands are never suggested.
  CHECK(suggest(test_table, "", "monitr").empty());
  CHECK(suggest(command_table(), "", "VERSON") == std::vector<std::string>{"version"});
  CHECK(suggest(command_table(), "", "hist") == std::vector<std::string>{"history"});
}

TEST_CASE("cli: argument counts, in Docker's words") {
  CHECK(usage_error_of({"tag", "x"}) ==
        "\"kayak tag\" requires at least 2 arguments.\nSee 'kayak tag --help'.\n\n"
        "Usage:  kayak tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG] [TARGET_IMAGE[:TAG]...]\n\n"
        "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE");
  CHECK(str::contains(usage_error_of({"image", "tag"}),
                      "\"kayak image tag\" requires at least 2 arguments."));
  CHECK(usage_error_of({"load", "x"}).starts_with("\"kayak load\" accepts no arguments.\n"));
  CHECK(usage_error_of({"history"}).starts_with("\"kayak history\" requires exactly 1 argument.\n"));
  CHECK(usage_error_of({"import"})
          .starts_with("\"kayak import\" requires at least 1 and at most 2 arguments.\n"));
  CHECK(usage_error_of({"images", "a", "b"})
          .starts_with("\"kayak images\" requires at most 1 argument.\n"));
  CHECK(run_of({"tag", "a", "b", "c"}).args().size() == 3);
}

TEST_CASE("cli: aliases resolve to the same row") {
  // Each spelling, followed by enough arguments for the command.
  auto same_row = [](std::vector<std::string> spellings, std::string canonical,
                     std::vector<std::string> extra) {
    const Command* first = nullptr;
    for (const std::string& spelling : spellings) {
      INFO(spelling);
      std::vector<std::string> args = str::split(spelling, ' ');
      args.insert(args.end(), extra.begin(), extra.end());
      ParsedCommandLine parsed = parse_with(args);
      REQUIRE(parsed.invocation);
      CHECK(parsed.invocation->command_path() == canonical);
      CHECK(parsed.invocation->invoked_path() == spelling);
      CHECK(parsed.invocation->args() == extra);
      if (!first) first = parsed.command;
      CHECK(parsed.command == first);
    }
  };
  same_row({"images", "image ls", "image list"}, "image ls", {});
  same_row({"rmi", "image rm", "image remove"}, "image rm", {"x"});
  same_row({"tag", "image tag"}, "image tag", {"a", "b"});
  same_row({"save", "image save"}, "image save", {"x"});
  same_row({"load", "image load"}, "image load", {});
  same_row({"import", "image import"}, "image import", {"-"});
  same_row({"history", "image history"}, "image history", {"x"});
  same_row({"pull", "image pull"}, "image pull", {"oci:dir:ref"});
  same_row({"info", "system info"}, "system info", {});
  CHECK(parse_with({"image", "inspect", "x"}).command != parse_with({"inspect", "x"}).command);
}

TEST_CASE("cli: global flags before the command, flag > env > default") {
  std::map<std::string, std::string> env_vars = {{"KAYAK_ROOT", "/env/root"},
                                                 {"KAYAK_RUNROOT", "/env/run"}};
  EnvLookup env = [&](std::string_view name) -> std::optional<std::string> {
    auto it = env_vars.find(std::string(name));
    if (it == env_vars.end()) return std::nullopt;
    return it->second;
  };
  ParsedCommandLine from_env = parse_with({"images"}, command_table(), env);
  CHECK(from_env.global.root == "/env/root");
  CHECK(from_env.global.runroot == "/env/run");
  CHECK(from_env.global.log_level.empty());

  ParsedCommandLine flags =
    parse_with({"--root", "/r", "--runroot=/rr", "--log-level", "debug", "images", "-q"},
               command_table(), env);
  CHECK(flags.global.root == "/r");
  CHECK(flags.global.runroot == "/rr");
  CHECK(flags.global.log_level == "debug");
  REQUIRE(flags.invocation);
  CHECK(flags.invocation->global().root == "/r");
  CHECK(flags.invocation->flag("quiet"));

  ParsedCommandLine defaults = parse_with({"images"});
  CHECK(defaults.global.root.empty());
  CHECK(defaults.global.runroot.empty());

  // Docker accepts global flags only before the command.
  CHECK(usage_error_of({"images", "--root", "/r"}) ==
        "unknown flag: --root\nSee 'kayak images --help'.");
  CHECK(usage_error_of({"--bogus", "images"}) == "unknown flag: --bogus\nSee 'kayak --help'.");
  CHECK(str::contains(usage_error_of({"--log-level=loud", "images"}),
                      "invalid argument \"loud\" for \"--log-level\" flag"));
}

TEST_CASE("cli: --version and help requests") {
  CHECK(parse_with({"-v"}).action == ParsedCommandLine::Action::Version);
  CHECK(parse_with({"--version"}).action == ParsedCommandLine::Action::Version);
  CHECK(version_line().starts_with("kayak version "));

  for (auto args : std::vector<std::vector<std::string>>{{}, {"--help"}, {"-h"}}) {
    ParsedCommandLine parsed = parse_with(args);
    CHECK(parsed.action == ParsedCommandLine::Action::Help);
    CHECK(parsed.command == nullptr);
  }
  for (auto args : std::vector<std::vector<std::string>>{{"image"}, {"image", "--help"}, {"image", "-h"}}) {
    ParsedCommandLine parsed = parse_with(args);
    CHECK(parsed.action == ParsedCommandLine::Action::Help);
    REQUIRE(parsed.command);
    CHECK(parsed.command->group);
    CHECK(parsed.invoked_path == "image");
  }
  // --help wins over argument-count errors.
  ParsedCommandLine tag_help = parse_with({"tag", "--help"});
  CHECK(tag_help.action == ParsedCommandLine::Action::Help);
  CHECK(tag_help.invoked_path == "tag");
  CHECK(parse_with({"images", "-h"}).action == ParsedCommandLine::Action::Help);
  // history has -H; -h is still help.
  CHECK(parse_with({"history", "-h"}).action == ParsedCommandLine::Action::Help);

  ParsedCommandLine help_cmd = parse_with({"help", "image", "ls"});
  REQUIRE(help_cmd.invocation);
  CHECK((help_cmd.command->handler == &handle_help));
  Invocation unknown_topic = run_of({"help", "nope"});
  CHECK_THROWS_WITH_AS(handle_help(unknown_topic),
                       "unknown help topic \"nope\"\nSee 'kayak --help'.", UsageError);
  Invocation too_deep = run_of({"help", "images", "extra"});
  CHECK_THROWS_AS(handle_help(too_deep), UsageError);
}

TEST_CASE("cli: -h is --hostname on run and create (Docker, podman), help everywhere else") {
  for (std::vector<std::string> path :
       std::vector<std::vector<std::string>>{{"run"}, {"create"}, {"container", "run"}, {"container", "create"}}) {
    std::string hint = "kayak " + str::join(path, " ");
    INFO(hint);
    auto with = [&](std::vector<std::string> rest) {
      std::vector<std::string> args = path;
      args.insert(args.end(), rest.begin(), rest.end());
      return args;
    };
    Invocation inv = run_of(with({"-h", "box", "busybox", "hostname"}));
    CHECK(inv.value_or("hostname", "") == "box");
    CHECK(inv.args() == std::vector<std::string>{"busybox", "hostname"});
    CHECK(run_of(with({"-hbox", "busybox"})).value_or("hostname", "") == "box");
    CHECK(parse_with(with({"--help"})).action == ParsedCommandLine::Action::Help);
    CHECK(usage_error_of(with({"-h"})) == "flag needs an argument: 'h' in -h\nSee '" + hint + " --help'.");
  }
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
         {"ps", "-h"}, {"exec", "-h"}, {"start", "-h"}, {"rm", "-h"}, {"container", "ls", "-h"}, {"image", "rm", "-h"}}) {
    INFO(str::join(args, " "));
    CHECK(parse_with(args).action == ParsedCommandLine::Action::Help);
  }
}

TEST_CASE("cli: resolve walks groups and stops at arguments") {
  std::vector<std::string> words = {"image", "ls", "busybox"};
  Resolution r = resolve(command_table(), words);
  REQUIRE(r.command);
  CHECK(r.path == "image ls");
  CHECK(r.consumed == 2);
  std::vector<std::string> with_space = {"image ls"};
  CHECK(resolve(command_table(), with_space).command == nullptr);
}

TEST_CASE("cli: help text for one command, in Docker's layout") {
  const Command* ls = find_command(command_table(), "images");
  REQUIRE(ls);
  std::string help = command_help(*ls, "image ls");
  CHECK(help.starts_with(
    "Usage:  kayak image ls [OPTIONS] [REPOSITORY[:TAG]]\n"
    "\n"
    "List images\n"
    "\n"
    "Aliases:\n"
    "  kayak image ls, kayak image list, kayak images\n"
    "\n"
    "Options:\n"
    "  -a, --all             Show all images (default hides intermediate images)\n"
    "      --digests         Show digests\n"
    "  -f, --filter filter   Filter output based on conditions provided\n"
    "                        (dangling=true|false, reference=PATTERN, before=IMAGE, since=IMAGE)\n"
    "      --format string   Format output using a custom template:\n"
    "                        'table':            Print output in table format with column headers (default)\n"));
  CHECK(str::contains(help, "\n  -q, --quiet           Only show image IDs\n"));
  CHECK_FALSE(str::contains(help, "--help"));

  const Command* tag = find_command(command_table(), "tag");
  REQUIRE(tag);
  CHECK(command_help(*tag, "tag") ==
        "Usage:  kayak tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG] [TARGET_IMAGE[:TAG]...]\n"
        "\n"
        "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n"
        "\n"
        "Aliases:\n"
        "  kayak image tag, kayak tag\n"
        "\n"
        "See kayak-image-tag(1) for details.\n");
}

TEST_CASE("cli: defaults are shown the way cobra shows them") {
  std::string save = command_help(*find_command(command_table(), "save"), "save");
  CHECK(str::contains(save, "Archive format: docker-archive or oci-archive (default \"docker-archive\")\n"));
  std::string history = command_help(*find_command(command_table(), "history"), "history");
  CHECK(str::contains(history,
                      "  -H, --human           Print sizes and dates in human readable format (default true)\n"));
}

TEST_CASE("cli: group and top-level help list their commands") {
  const Command* image = find_command(command_table(), "image");
  REQUIRE(image);
  std::string group = group_help(command_table(), *image, "image");
  CHECK(group.starts_with("Usage:  kayak image COMMAND\n\nManage images\n\nCommands:\n"));
  CHECK(str::contains(group, "\n  history     Show the history of an image\n"));
  CHECK(str::contains(group, "\n  ls          List images\n"));
  CHECK(str::contains(group, "\n  rm          Remove one or more images\n"));
  CHECK_FALSE(str::contains(group, "  list "));
  CHECK(group.ends_with("\nRun 'kayak image COMMAND --help' for more information on a command.\n"));

  std::string root = root_help(command_table());
  CHECK(root.starts_with("Usage:  kayak [OPTIONS] COMMAND\n"));
  CHECK(str::contains(root, "Management Commands:\n  container   Manage containers\n  generate    Generate structured data based on containers\n  image       Manage images\n  system      Manage kayak\n"));
  CHECK(str::contains(root, "\n  images      List images\n"));
  CHECK(str::contains(root, "\n  rmi         Remove one or more images\n"));
  CHECK(str::contains(root, "\n  info        Display system-wide information\n"));
  CHECK(str::contains(root, "Global Options:\n"));
  CHECK(str::contains(root, "      --root string "));
  CHECK(str::contains(root, "  -v, --version "));

  std::string with_hidden = root_help(test_table);
  CHECK_FALSE(str::contains(with_hidden, "monitor"));
  CHECK(str::contains(with_hidden, "  run "));
}

TEST_CASE("cli: hidden internal commands dispatch by argv[0] or argv[1]") {
  const char* via_name[] = {"/proc/self/monitor", "abc"};
  CHECK(arguments_from_argv(2, via_name, test_table) == std::vector<std::string>{"monitor", "abc"});
  const char* normal[] = {"/usr/bin/kayak", "monitor", "abc"};
  std::vector<std::string> args = arguments_from_argv(3, normal, test_table);
  CHECK(args == std::vector<std::string>{"monitor", "abc"});
  ParsedCommandLine parsed = parse_with(args, test_table);
  REQUIRE(parsed.invocation);
  CHECK(parsed.invocation->command_path() == "monitor");
  // A visible command's name as argv[0] is not a shortcut.
  const char* visible[] = {"run", "img"};
  CHECK(arguments_from_argv(2, visible, test_table) == std::vector<std::string>{"img"});
}

TEST_CASE("cli: Invocation reads defaults and rejects undeclared flags") {
  Invocation inv = run_of({"save", "img"});
  CHECK(inv.value("format") == "docker-archive");
  CHECK_FALSE(inv.is_set("format"));
  CHECK_FALSE(inv.value("output").has_value());
  CHECK(inv.value_or("output", "-") == "-");
  CHECK(inv.values("output").empty());
  CHECK_THROWS_AS(inv.flag("no-such-flag"), Error);
  CHECK_THROWS_AS(inv.value("no-such-flag"), Error);
  CHECK(run_of({"save", "--format", "docker-archive", "img"}).is_set("format"));
}

TEST_CASE("cli: the command table is complete and consistent") {
  std::set<std::string_view> all_names;
  for (const Command& command : command_table()) {
    INFO("command " << command.names.front());
    REQUIRE_FALSE(command.names.empty());
    CHECK_FALSE(command.summary.empty());
    CHECK_FALSE(command.summary.ends_with("."));
    CHECK((command.group ? command.handler == nullptr : command.handler != nullptr));
    for (std::string_view name : command.names) {
      CHECK(all_names.insert(name).second);  // no name is used twice
      // The parent of "image ls" is a group row.
      size_t space = name.rfind(' ');
      if (space != std::string_view::npos) {
        const Command* parent = find_command(command_table(), name.substr(0, space));
        REQUIRE(parent);
        CHECK(parent->group);
      }
    }
    std::set<std::string_view> flag_names;
    std::set<char> shorthands;
    for (const Flag& flag : command.flags) {
      INFO("flag --" << flag.name);
      CHECK_FALSE(flag.description.empty());
      CHECK(flag_names.insert(flag.name).second);
      CHECK(flag.name != "help");
      if (flag.shorthand) {
        CHECK(shorthands.insert(flag.shorthand).second);
        // -h is help, except Docker's -h/--hostname of run and create.
        if (flag.name != "hostname") CHECK(flag.shorthand != 'h');
      }
      if (flag.type == FlagType::Bool)
        CHECK((flag.default_value.empty() || flag.default_value == "true"));
      if (!flag.choices.empty() && !flag.default_value.empty()) {
        CHECK(std::find(flag.choices.begin(), flag.choices.end(), flag.default_value) !=
              flag.choices.end());
      }
    }
  }
  for (const Flag& flag : global_flags()) CHECK_FALSE(flag.description.empty());
  // The commands the spec asks for.
  for (std::string_view path :
       {"image ls", "image list", "images", "image rm", "image remove", "rmi", "image tag", "tag",
        "image inspect", "inspect", "image save", "save", "image load", "load", "image import",
        "import", "image history", "history", "image prune", "image pull", "pull", "info",
        "system info", "version", "help"})
    CHECK_MESSAGE(find_command(command_table(), path) != nullptr, path);
}

TEST_CASE("cli: every command's help renders and every runnable row parses") {
  for (const Command& command : command_table()) {
    for (std::string_view name : command.names) {
      std::vector<std::string> args = str::split(name, ' ');
      args.push_back("--help");
      ParsedCommandLine parsed = parse_with(args);
      CHECK(parsed.action == ParsedCommandLine::Action::Help);
      CHECK(parsed.command == &command);
      std::string text = help_for(command_table(), parsed.command, parsed.invoked_path);
      CHECK(text.starts_with("Usage:  kayak " + std::string(name)));
      CHECK(str::contains(text, command.summary));
    }
  }
}
