// Image references, normalized as Docker does:
//   nginx                  -> docker.io/library/nginx:latest
//   myimg/httpd:v1         -> docker.io/myimg/httpd:v1
//   index.docker.io/x      -> docker.io/x:latest  (library/ added for one-part paths)
//   quay.io/x/y@sha256:... -> quay.io/x/y@sha256:...   (no :latest added)
//   localhost/x, host:5000/x: the first part is a domain when it contains
//   '.' or ':' or is "localhost".
// "Familiar" form strips docker.io/ and library/ again for display.
#pragma once

#include <string>
#include <string_view>

namespace kayak::image {

struct Reference {
  std::string domain;  // "docker.io", "quay.io", "localhost:5000"
  std::string path;    // "library/nginx"
  std::string tag;     // empty when only a digest was given
  std::string digest;  // "sha256:<hex>" or empty

  // domain/path
  std::string name() const;
  // domain/path[:tag][@digest]
  std::string str() const;
  // name() in familiar form: "nginx", "myimg/httpd", "quay.io/x/y"
  std::string familiar_name() const;
  // str() in familiar form: "nginx:latest", "myimg/httpd:v1"
  std::string familiar() const;

  bool operator==(const Reference&) const = default;
};

// Parses and normalizes; adds tag "latest" when neither tag nor digest is
// given (unless add_latest is false). Errors use Docker's wording, e.g.
// "invalid reference format: repository name (library/Nginx) must be lowercase"
// or "invalid reference format"; they throw kayak::Error.
Reference parse_reference(std::string_view text, bool add_latest = true);

// True when text is 1..64 lower-case hex digits (an image ID or its prefix),
// optionally prefixed with "sha256:".
bool looks_like_id(std::string_view text);

}  // namespace kayak::image
