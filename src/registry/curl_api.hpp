// libcurl, loaded when the first registry client is made. Linked normally,
// libcurl.so.4 and the ~30 libraries it needs (OpenSSL, GnuTLS for rtmp,
// Kerberos, LDAP, nghttp2...) are mapped and relocated at every start of
// every command: measured at ~3 ms, more than `kayak images` takes in all
// (the same reason libarchive and libcrypto are linked statically, see the
// top-level meson.build; libcurl cannot be: Debian ships no static
// nghttp2, ssh2, rtmp, ldap or gssapi). So commands that never speak to a
// registry never load it. Loaded RTLD_LOCAL, so its libcrypto stays apart
// from the static one linked into kayak.
#pragma once

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

namespace kayak::registry {

struct CurlApi {
  decltype(&curl_global_init) global_init;
  decltype(&curl_easy_init) easy_init;
  decltype(&curl_easy_cleanup) easy_cleanup;
  decltype(&curl_easy_setopt) easy_setopt;
  decltype(&curl_easy_getinfo) easy_getinfo;
  decltype(&curl_easy_strerror) easy_strerror;
  decltype(&curl_multi_init) multi_init;
  decltype(&curl_multi_cleanup) multi_cleanup;
  decltype(&curl_multi_add_handle) multi_add_handle;
  decltype(&curl_multi_remove_handle) multi_remove_handle;
  decltype(&curl_multi_perform) multi_perform;
  decltype(&curl_multi_poll) multi_poll;
  decltype(&curl_multi_info_read) multi_info_read;
  decltype(&curl_slist_append) slist_append;
  decltype(&curl_slist_free_all) slist_free_all;
  decltype(&curl_url) url;
  decltype(&curl_url_cleanup) url_cleanup;
  decltype(&curl_url_set) url_set;
  decltype(&curl_url_get) url_get;
  decltype(&curl_free) free;
};

// The loaded library (loaded and initialised once); throws kayak::Error
// naming the package when libcurl is not installed.
const CurlApi& curl();

}  // namespace kayak::registry
