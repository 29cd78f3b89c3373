// The HTTP/1.1 server: Boost.Beast with C++20 coroutines. This header is
// deliberately free of Beast and Asio; only http_server.cpp pays for them.
//
// Each I/O thread runs its own event loop with its own listening socket
// (SO_REUSEPORT), so connections are spread by the kernel and a connection
// stays on one thread. Handlers of routes that write (or hash passwords) run
// on a separate blocking pool so that a commit waiting for fsync never
// stalls the connections of an I/O thread.
#pragma once

#include <cstdint>
#include <memory>

#include "core/config.h"
#include "core/pipeline.h"

namespace trivium::http {

class HttpServer {
 public:
  HttpServer(const Config& config, Pipeline& pipeline);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listening sockets; throws std::runtime_error if it cannot.
  void listen();
  uint16_t port() const;
  // Serves until stop() or SIGINT/SIGTERM, then stops accepting, lets
  // in-flight requests finish (up to 30 s), closes idle connections and returns.
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trivium::http
