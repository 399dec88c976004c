// DESIGN: the code between clone and execve never allocates, throws or
// unwinds. Checked on the object files themselves.
#include "kayak/util/strings.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

std::string undefined_symbols(const std::string& object) {
  std::string command = "nm --undefined-only -C '" + object + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) text.append(buf, n);
  CHECK(::pclose(pipe) == 0);
  return text;
}

}  // namespace

TEST_CASE("the child's objects reference no allocator and no exception machinery") {
  const char* dir = std::getenv("KAYAK_RUNTIME_CHILD_OBJDIR");
  REQUIRE_MESSAGE(dir != nullptr, "meson sets KAYAK_RUNTIME_CHILD_OBJDIR");
  for (const char* name : {"child.cpp.o", "child_user.cpp.o"}) {
    std::string symbols = undefined_symbols(std::string(dir) + "/" + name);
    INFO(name, "\n", symbols);
    bool has_execve = symbols.find("execve") != std::string::npos;
    if (std::string(name) == "child.cpp.o") CHECK(has_execve);  // the right object, really read
    for (const char* banned : {"malloc", "calloc", "realloc", "operator new", "__cxa_throw", "__cxa_allocate_exception",
                               "_Unwind_Resume", "strerror", "printf", "fmt::"}) {
      CHECK_MESSAGE(symbols.find(banned) == std::string::npos, banned);
    }
  }
}
