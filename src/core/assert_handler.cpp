// Where Boost's assertions go when a build routes them to a handler (the
// HTTP server in Debug builds, the fuzzers always): every failed assertion
// aborts, except one known false alarm. Beast 1.81 asserts n >= 5 in
// basic_parser::parse_chunk_header, yet a final chunk may legitimately
// arrive as "0\r\n" then "\r" (4 bytes), and the code after the assertion
// handles that case (fixed in later Beast releases).
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace boost {

void assertion_failed(char const* expr, char const* function, char const* file, long line) {
  if (std::strcmp(expr, "n >= 5") == 0 && std::strstr(file, "beast/http/impl/basic_parser.ipp")) return;
  std::fprintf(stderr, "%s:%ld: %s: Assertion '%s' failed.\n", file, line, function, expr);
  std::abort();
}

void assertion_failed_msg(char const* expr, char const* msg, char const* function, char const* file, long line) {
  std::fprintf(stderr, "%s:%ld: %s: Assertion '%s' failed: %s\n", file, line, function, expr, msg);
  std::abort();
}

}  // namespace boost
