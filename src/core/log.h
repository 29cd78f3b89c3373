// Logging set-up: human-readable text on a terminal, JSON lines otherwise
// (or as configured). Request lines go to the "access" logger.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <spdlog/logger.h>

#include "core/config.h"

namespace trivium {

void setup_logging(const Config& config);
// The access log: one line per request, appended to a per-thread buffer and
// written to standard output in large chunks (when a buffer fills, and every
// second by a background thread). A line costs a formatted append, not a
// queue hand-off and a wake-up as with spdlog's async loggers, which cost a
// third of the throughput of the fastest routes.
class AccessLog {
 public:
  explicit AccessLog(bool json);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  struct Line {
    std::string_view method, target, request_id, ip, user;
    int status = 0;
    size_t bytes = 0;
    double ms = 0;
  };
  void record(const Line& line);
  // Writes everything buffered so far.
  void flush();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The access log; null when it is off. Set up by setup_logging.
AccessLog* access_log();
// Flushes the access log and spdlog; call before exiting.
void shutdown_logging();
// Escapes a string for inclusion in a JSON string literal (also used to keep
// CR/LF out of log lines, INJ-05).
std::string json_escape(std::string_view s);
void append_escaped(std::string& out, std::string_view s);

}  // namespace trivium
