// What every store-changing command needs: the store, who is running it
// (and so which user namespace layer files live in), and the rootfs driver
// recorded in the store. Writes run in a short-lived child inside that user
// namespace (DESIGN "Rootless identity"); their result comes back as JSON.
#pragma once

#include "kayak/archive/extract.hpp"
#include "kayak/store/driver.hpp"
#include "kayak/store/store.hpp"
#include "kayak/util/idmap.hpp"
#include "kayak/util/json.hpp"

#include <functional>

namespace kayak::store {

class Context {
public:
  explicit Context(const StorePaths& paths);

  Store& store() { return store_; }
  const Identity& identity() const { return identity_; }
  // The driver recorded in the store; probed (and recorded) on first use.
  const DriverInfo& driver();

  // How layers are extracted for this identity and driver.
  archive::ExtractOptions layer_extract_options();

  // Runs fn where layer files may be created and removed (the store's user
  // namespace; plain child for root). fn's JSON result is returned; its
  // kayak::Error is re-thrown here with the same message and exit code.
  json::Value write(const std::function<json::Value()>& fn);

private:
  Store store_;
  Identity identity_;
  std::optional<DriverInfo> driver_;
};

}  // namespace kayak::store
