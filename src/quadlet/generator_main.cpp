// kayak-quadlet-generator: the systemd generator executable. systemd runs
// it as `GENERATOR NORMAL_DIR EARLY_DIR LATE_DIR`; it is installed as
// system-generators/kayak-system-generator and
// user-generators/kayak-user-generator, and a name ending in
// "-user-generator" (or --user) selects the user search directories.
// --dryrun (also -dryrun, as Podman's) prints the units instead of writing
// them. Exits 1 when any source file was bad.
#include "kayak/quadlet/generator.hpp"

#include "kayak_config.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

void usage() {
  std::fputs("usage: kayak-quadlet-generator [--user] [--dryrun] [NORMAL_DIR [EARLY_DIR LATE_DIR]]\n", stderr);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kayak::quadlet;
  std::string_view self = argv[0];
  GeneratorRun run;
  run.convert.user = self.ends_with("-user-generator");
  std::vector<std::string> dirs;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--dryrun" || arg == "-dryrun") {
      run.dry_run = true;
    } else if (arg == "--user" || arg == "-user") {
      run.convert.user = true;
    } else if (arg == "--help" || arg == "-h") {
      usage();
      return 0;
    } else if (arg.starts_with("-")) {
      usage();
      return 2;
    } else {
      dirs.emplace_back(arg);
    }
  }
  if (!run.dry_run) {
    if (dirs.empty()) {
      usage();
      return 2;
    }
    run.output_dir = dirs[0];
  }
  // Tests (and unusual installs) point the units at another kayak.
  const char* binary = std::getenv("KAYAK_QUADLET_BINARY");
  run.convert.kayak_binary = binary && *binary ? binary : KAYAK_BINARY_PATH;
  run.search_dirs = quadlet_search_dirs(run.convert.user);

  // Under systemd ($SYSTEMD_SCOPE is set for generators) errors also go to
  // the kernel log, where they are seen at boot.
  int kmsg = -1;
  if (!run.dry_run && std::getenv("SYSTEMD_SCOPE")) kmsg = ::open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
  GeneratorOutput output{
    .print = [](const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); },
    .message =
      [kmsg](const std::string& line) {
        std::fprintf(stderr, "kayak-quadlet-generator: %s\n", line.c_str());
        if (kmsg >= 0) {
          std::string record = "<3>kayak-quadlet-generator: " + line + "\n";
          if (::write(kmsg, record.data(), record.size()) < 0) {}
        }
      },
  };
  int bad = run_generator(run, output);
  std::fflush(stdout);
  if (kmsg >= 0) ::close(kmsg);
  return bad > 0 ? 1 : 0;
}
