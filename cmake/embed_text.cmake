# Writes a C++ file defining `std::string_view NAMESPACE::FUNCTION()` that
# returns the text of IN.
file(READ ${IN} text)
set(body "// Generated from ${IN} by cmake/embed_text.cmake. Do not edit.\n#include <string_view>\nnamespace ${NAMESPACE} {\nstd::string_view ${FUNCTION}() {\n  // An array, not a constexpr string_view: the length then needs no\n  // compile-time strlen (bounded by -fconstexpr-loop-limit).\n  static const char text[] = R\"trvtxt(${text})trvtxt\";\n  return std::string_view(text, sizeof(text) - 1);\n}\n}\n")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
