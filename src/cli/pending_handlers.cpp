// TEMPORARY: placeholders until the image handlers land (they replace this
// file with src/cli/image_handlers.cpp).
#include "kayak/cli/handlers.hpp"
#include "kayak/util/error.hpp"

namespace kayak::cli {

namespace {
[[noreturn]] int not_yet(const Invocation& inv) {
  fail("{}: not implemented yet", inv.command_path());
}
}  // namespace

int handle_image_ls(Invocation& inv) { not_yet(inv); }
int handle_image_rm(Invocation& inv) { not_yet(inv); }
int handle_image_tag(Invocation& inv) { not_yet(inv); }
int handle_image_inspect(Invocation& inv) { not_yet(inv); }
int handle_inspect(Invocation& inv) { not_yet(inv); }
int handle_image_save(Invocation& inv) { not_yet(inv); }
int handle_image_load(Invocation& inv) { not_yet(inv); }
int handle_image_import(Invocation& inv) { not_yet(inv); }
int handle_image_history(Invocation& inv) { not_yet(inv); }
int handle_image_prune(Invocation& inv) { not_yet(inv); }
int handle_image_pull(Invocation& inv) { not_yet(inv); }
int handle_info(Invocation& inv) { not_yet(inv); }

}  // namespace kayak::cli
