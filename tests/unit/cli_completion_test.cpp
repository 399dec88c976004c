// Completion from the command table: the resolver behind `kayak __complete`
// (with a fixed name source instead of a store) and the generated scripts.
#include "kayak/cli/completion.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/signals.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>

using namespace kayak;
using namespace kayak::cli;

namespace {

StoreSelection last_where;

std::vector<std::string> fake_values(Complete kind, std::string_view typed, const StoreSelection& where) {
  last_where = where;
  switch (kind) {
  case Complete::Containers: return {"web", "done", "fresh", "frozen"};
  case Complete::RunningContainers: return {"web"};
  case Complete::StoppedContainers: return {"done", "fresh"};
  case Complete::PausedContainers: return {"frozen"};
  case Complete::Images:
    if (!typed.empty()) return {"busybox:latest", "docker.io/library/busybox:latest", "0123456789ab"};
    return {"busybox:latest", "docker.io/library/busybox:latest"};
  case Complete::Volumes: return {"data", "cache"};
  default: return {};
  }
}

CompletionResult complete(std::vector<std::string> words) {
  return complete_words(command_table(), words, fake_values);
}

std::vector<std::string> values(std::vector<std::string> words) {
  std::vector<std::string> out;
  for (auto& [value, description] : complete(std::move(words)).candidates) out.push_back(value);
  return out;
}

bool has(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

TEST_CASE("top level: commands, aliases and global flags") {
  auto top = values({""});
  CHECK(has(top, "run"));
  CHECK(has(top, "image"));
  CHECK(has(top, "images"));
  CHECK(has(top, "ps"));
  CHECK(has(top, "completion"));
  CHECK_FALSE(has(top, "__complete"));
  CHECK_FALSE(has(top, "monitor"));
  CHECK(values({"ima"}) == std::vector<std::string>{"image", "images"});
  auto globals = values({"--r"});
  CHECK(globals == std::vector<std::string>{"--root", "--runroot"});
}

TEST_CASE("a group's subcommands, with their summaries") {
  CompletionResult image = complete({"image", ""});
  auto names = values({"image", ""});
  CHECK(has(names, "ls"));
  CHECK(has(names, "list"));
  CHECK(has(names, "rm"));
  CHECK(has(names, "save"));
  CHECK_FALSE(has(names, "images"));
  for (auto& [value, description] : image.candidates) CHECK_FALSE(description.empty());
  CHECK(values({"image", "--"}) == std::vector<std::string>{"--help"});
}

TEST_CASE("flags of a command, long and short, with descriptions") {
  CompletionResult run = complete({"run", "--"});
  auto names = values({"run", "--"});
  CHECK(has(names, "--detach"));
  CHECK(has(names, "--network"));
  CHECK(has(names, "--env-file"));
  CHECK(has(names, "--help"));
  CHECK_FALSE(has(names, "--net"));  // hidden
  CHECK_FALSE(has(names, "-d"));     // "--" typed: short forms do not match
  CHECK(has(values({"run", "-"}), "-d"));
  CHECK_FALSE(has(values({"images", "-"}), "-v"));
  // run's -h is --hostname, so help has no short form there; elsewhere -h is help.
  auto description_of = [](std::vector<std::string> words, std::string_view value) {
    for (auto& [candidate, description] : complete(std::move(words)).candidates)
      if (candidate == value) return description;
    return std::string();
  };
  CHECK(description_of({"run", "-"}, "-h") == "Container host name");
  CHECK(description_of({"create", "-"}, "-h") == "Container host name");
  CHECK(description_of({"images", "-"}, "-h") == "Print usage");
  for (auto& [value, description] : run.candidates) CHECK_FALSE(description.empty());
}

TEST_CASE("positional arguments: containers by state, images, volumes") {
  CHECK(values({"exec", ""}) == std::vector<std::string>{"web"});
  CHECK(values({"container", "exec", "-it", ""}) == std::vector<std::string>{"web"});
  CHECK(values({"start", ""}) == std::vector<std::string>{"done", "fresh"});
  CHECK(values({"start", "f"}) == std::vector<std::string>{"fresh"});
  CHECK(values({"unpause", ""}) == std::vector<std::string>{"frozen"});
  CHECK(values({"rm", "-f", "web", ""}).size() == 4);
  CHECK(values({"rmi", ""}) == std::vector<std::string>{"busybox:latest", "docker.io/library/busybox:latest"});
  CHECK(has(values({"rmi", "0"}), "0123456789ab"));
  CHECK(values({"volume", "rm", ""}) == std::vector<std::string>{"data", "cache"});
  // After the image, the words are the container's command: nothing, and
  // no run flags either.
  CHECK(values({"run", "-d", "busybox", ""}).empty());
  CHECK(values({"run", "busybox", "--"}).empty());
  CHECK(values({"exec", "web", ""}).empty());
  CHECK(values({"rename", "web", ""}).empty());
  CHECK(values({"run", "--name", ""}).empty());  // a new name: nothing to offer
  CHECK(values({"help", "ima"}) == std::vector<std::string>{"image", "images"});
  CHECK(has(values({"help", "image", ""}), "save"));
  CHECK(values({"completion", ""}) == std::vector<std::string>{"bash", "zsh", "fish"});
}

TEST_CASE("flag values: network modes, signals, choices, files") {
  auto modes = values({"run", "--network", ""});
  for (const char* mode : {"none", "host", "private", "container:", "ns:"}) CHECK(has(modes, mode));
  CHECK(values({"run", "--network=ho"}) == std::vector<std::string>{"--network=host"});
  CHECK(values({"run", "--network", "container:"}) ==
        std::vector<std::string>{"container:web", "container:done", "container:fresh", "container:frozen"});
  CompletionResult container = complete({"run", "--network", "cont"});
  CHECK((container.directive & kNoSpace) != 0);
  CHECK(has(values({"kill", "-s", ""}), "KILL"));
  CHECK(values({"kill", "-s", "SIGTE"}) == std::vector<std::string>{"SIGTERM"});
  CHECK(values({"kill", "--signal=HU"}) == std::vector<std::string>{"--signal=HUP"});
  CHECK(has(values({"create", "--stop-signal", "T"}), "TERM"));
  CHECK(values({"save", "--format", ""}) == std::vector<std::string>{"docker-archive", "oci-archive"});
  CHECK(values({"--log-level", "w"}) == std::vector<std::string>{"warn"});
  for (std::vector<std::string> line : {std::vector<std::string>{"save", "-o", ""},
                                        {"load", "-i", "x"},
                                        {"run", "--env-file", ""},
                                        {"exec", "--env-file", ""},
                                        {"run", "--cidfile", ""},
                                        {"login", "--authfile", ""},
                                        {"save", "--output=a"}}) {
    CompletionResult files = complete(line);
    CHECK(files.candidates.empty());
    CHECK(files.directive == kFileCompletion);
  }
  CHECK(complete({"--root", ""}).directive == kDirCompletion);
}

TEST_CASE("--format fields of the command's rows") {
  auto fields = values({"ps", "--format", "{{."});
  CHECK(has(fields, "{{.Names}}"));
  CHECK(has(fields, "{{.ID}}"));
  CHECK(values({"ps", "--format", "{{.Na"}) == std::vector<std::string>{"{{.Names}}"});
  CHECK(values({"ps", "--format", "table {{.ID}}\t{{ .St"}) ==
        std::vector<std::string>{"table {{.ID}}\t{{ .State}}", "table {{.ID}}\t{{ .Status}}"});
  CHECK(has(values({"images", "--format", "{{.R"}), "{{.Repository}}"));
  CHECK(has(values({"volume", "ls", "--format", ""}), "json"));
  CHECK((complete({"ps", "--format", "{{."}).directive & kNoSpace) != 0);
}

TEST_CASE("--root and --runroot before the command choose the store") {
  last_where = {};
  values({"--root", "/tmp/a", "--runroot=/tmp/b", "exec", ""});
  CHECK(last_where.root == "/tmp/a");
  CHECK(last_where.runroot == "/tmp/b");
}

TEST_CASE("the output format") {
  CompletionResult result;
  result.candidates = {{"ls", "List images"}, {"web", ""}};
  result.directive = kNoSpace;
  CHECK(completion_output(result) == "ls\tList images\nweb\n:1\n");
  CHECK(completion_output({}) == "");
  result.directive = 0;
  CHECK(completion_output(result) == "ls\tList images\nweb\n");
}

TEST_CASE("signal names are ones kill -s takes") {
  for (std::string_view name : signal_names()) {
    INFO(name);
    CHECK(sig::parse(name).has_value());
  }
}

TEST_CASE("only flags that take a value have a completion kind") {
  for (const Command& command : command_table()) {
    for (const Flag& flag : command.flags) {
      INFO(command.names.front(), " --", flag.name);
      if (flag.type == FlagType::Bool) CHECK(flag.complete == Complete::None);
    }
  }
}

TEST_CASE("completions/ holds what kayak completion prints") {
  const char* source = std::getenv("KAYAK_SOURCE_DIR");
  REQUIRE(source);
  for (auto [shell, file] : {std::pair{"bash", "kayak.bash"}, {"zsh", "_kayak"}, {"fish", "kayak.fish"}}) {
    std::string stored = fs::read_file(std::string(source) + "/completions/" + file);
    INFO("completions/", file, " is stale; regenerate with: for s in bash zsh fish; do f=$(case $s in "
         "bash) echo kayak.bash;; zsh) echo _kayak;; fish) echo kayak.fish;; esac); build/kayak completion $s "
         "> completions/$f; done");
    CHECK(stored == completion_script(command_table(), shell));
  }
  CHECK_THROWS(completion_script(command_table(), "tcsh"));
}
