#include "push_handlers.hpp"

#include "store_paths_of.hpp"

#include "kayak/commands/image_push.hpp"
#include "kayak/store/store.hpp"
#include "kayak/util/error.hpp"

namespace kayak::cli {

// Progress goes to stderr from the commands module; stdout stays empty,
// as with podman.
int handle_push(Invocation& inv) {
  const auto& args = inv.args();
  if (args.empty() || args.size() > 2) fail("\"kayak {}\" requires 1 or 2 arguments", inv.invoked_path());
  commands::PushOptions options;
  options.source = args[0];
  if (args.size() == 2) options.destination = args[1];
  options.quiet = inv.flag("quiet");
  if (inv.is_set("tls-verify")) options.tls_verify = inv.flag("tls-verify");
  options.authfile = inv.value_or("authfile", "");
  if (inv.is_set("compression-format")) options.compression_format = inv.value_or("compression-format", "");
  store::Store store(paths_of(inv));
  commands::push_image(store, options);
  return 0;
}

}  // namespace kayak::cli
