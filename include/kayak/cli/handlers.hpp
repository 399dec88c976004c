// Command handlers, one per command row. Each reads its Invocation, does the
// work through the commands module, prints, and returns the exit code;
// failures are thrown as kayak::Error.
#pragma once

#include "kayak/cli/invocation.hpp"

namespace kayak::cli {

int handle_image_ls(Invocation& inv);
int handle_image_rm(Invocation& inv);
int handle_image_tag(Invocation& inv);
int handle_image_inspect(Invocation& inv);
int handle_inspect(Invocation& inv);
int handle_image_save(Invocation& inv);
int handle_image_load(Invocation& inv);
int handle_image_import(Invocation& inv);
int handle_image_history(Invocation& inv);
int handle_image_prune(Invocation& inv);
int handle_image_pull(Invocation& inv);
int handle_info(Invocation& inv);
int handle_version(Invocation& inv);
// `help [COMMAND...]`: prints the help of the named command or group.
int handle_help(Invocation& inv);

}  // namespace kayak::cli
