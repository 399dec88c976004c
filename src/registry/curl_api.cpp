#include "curl_api.hpp"

#include "kayak/util/error.hpp"

#include <dlfcn.h>

namespace kayak::registry {

namespace {

template <typename Fn>
void bind(void* lib, Fn& slot, const char* name) {
  void* symbol = dlsym(lib, name);
  if (symbol == nullptr) fail("libcurl.so.4 lacks {} (libcurl 7.85 or newer is needed)", name);
  slot = reinterpret_cast<Fn>(symbol);
}

CurlApi load() {
  void* lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = dlerror();
    fail("cannot load libcurl, needed to talk to registries (install libcurl4): {}", why ? why : "not found");
  }
  // Never dlclose'd: libcurl keeps global state (OpenSSL) for the process.
  CurlApi api{};
  bind(lib, api.global_init, "curl_global_init");
  bind(lib, api.easy_init, "curl_easy_init");
  bind(lib, api.easy_cleanup, "curl_easy_cleanup");
  bind(lib, api.easy_setopt, "curl_easy_setopt");
  bind(lib, api.easy_getinfo, "curl_easy_getinfo");
  bind(lib, api.easy_strerror, "curl_easy_strerror");
  bind(lib, api.multi_init, "curl_multi_init");
  bind(lib, api.multi_cleanup, "curl_multi_cleanup");
  bind(lib, api.multi_add_handle, "curl_multi_add_handle");
  bind(lib, api.multi_remove_handle, "curl_multi_remove_handle");
  bind(lib, api.multi_perform, "curl_multi_perform");
  bind(lib, api.multi_poll, "curl_multi_poll");
  bind(lib, api.multi_info_read, "curl_multi_info_read");
  bind(lib, api.slist_append, "curl_slist_append");
  bind(lib, api.slist_free_all, "curl_slist_free_all");
  bind(lib, api.url, "curl_url");
  bind(lib, api.url_cleanup, "curl_url_cleanup");
  bind(lib, api.url_set, "curl_url_set");
  bind(lib, api.url_get, "curl_url_get");
  bind(lib, api.free, "curl_free");
  if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) fail("libcurl failed to initialise");
  return api;
}

}  // namespace

const CurlApi& curl() {
  static const CurlApi api = load();
  return api;
}

}  // namespace kayak::registry
