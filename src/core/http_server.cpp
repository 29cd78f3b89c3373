// The only translation unit that includes Beast and Asio (build time: see
// docs/decisions/0002-one-beast-translation-unit.md).
#include "core/http_server.h"

// Debug builds route Boost's assertions through the handler in
// core/assert_handler.cpp; release builds compile them out as before.
#define BOOST_ENABLE_ASSERT_DEBUG_HANDLER
#include <boost/assert.hpp>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <csignal>
#include <ctime>
#include <list>
#include <mutex>
#include <thread>
#include <variant>

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/metrics.h"
#include <spdlog/spdlog.h>

namespace trivium::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

namespace {

// "Sun, 22 Nov 2026 10:00:00 GMT", recomputed at most once a second per thread.
const std::string& http_date() {
  thread_local std::string cached;
  thread_local time_t cached_at = 0;
  time_t now = std::time(nullptr);
  if (now != cached_at) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached = buf;
    cached_at = now;
  }
  return cached;
}

std::pair<std::string, uint16_t> split_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = std::stoi(listen.substr(colon + 1));
  if (port < 0 || port > 65535) throw std::runtime_error("listen port out of range: " + listen);
  return {host, static_cast<uint16_t>(port)};
}

// What the server knows about one open connection, so that shutdown can
// close the idle ones and wait for the busy ones.
struct Connection {
  beast::tcp_stream* stream = nullptr;
  std::atomic<bool> busy{false};
  // Set by the session, on its own thread, before its stream is destroyed;
  // work posted to that thread checks it before touching the stream.
  bool closed = false;
};

// How much one sendfile(2) call may send, and how much a connection may send
// before letting the other connections of its thread have a turn.
constexpr uint64_t kSendfileSlice = 1u << 20;
constexpr uint64_t kSendfileTurn = 4u << 20;

}  // namespace

OpenFile::~OpenFile() {
  if (fd_ >= 0) ::close(fd_);
}

struct HttpServer::Impl {
  const Config& config;
  Pipeline& pipeline;
  std::vector<std::unique_ptr<asio::io_context>> loops;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  asio::thread_pool blocking;
  std::atomic<bool> stopping{false};
  std::mutex conns_mu;
  std::list<std::shared_ptr<Connection>> conns;
  std::atomic<int> live_sessions{0};
  uint16_t bound_port = 0;
  std::thread watcher;
  std::mutex watcher_mu;

  Impl(const Config& c, Pipeline& p)
      : config(c), pipeline(p), blocking(static_cast<size_t>(std::max(1, c.blocking_threads))) {}

  int thread_count() const {
    if (config.threads > 0) return config.threads;
    return std::max(1u, std::thread::hardware_concurrency());
  }

  void listen() {
    auto [host, port] = split_listen(config.listen);
    auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host);
    for (int i = 0; i < thread_count(); ++i) {
      loops.push_back(std::make_unique<asio::io_context>(1));
      auto acc = std::make_unique<tcp::acceptor>(*loops.back());
      tcp::endpoint ep(address, i == 0 ? port : bound_port);
      acc->open(ep.protocol());
      acc->set_option(asio::socket_base::reuse_address(true));
      acc->set_option(asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true));
      boost::system::error_code ec;
      acc->bind(ep, ec);
      if (ec) throw std::runtime_error("cannot listen on " + config.listen + ": " + ec.message());
      acc->listen(asio::socket_base::max_listen_connections);
      if (i == 0) bound_port = acc->local_endpoint().port();
      acceptors.push_back(std::move(acc));
    }
  }

  awaitable<void> accept_loop(tcp::acceptor& acceptor) {
    auto ex = co_await asio::this_coro::executor;
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(use_awaitable));
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) co_return;
        continue;  // e.g. EMFILE: keep serving the connections we have
      }
      socket.set_option(tcp::no_delay(true));
      asio::co_spawn(ex, session(beast::tcp_stream(std::move(socket))), asio::detached);
    }
  }

  std::shared_ptr<Connection> track(beast::tcp_stream& stream) {
    auto c = std::make_shared<Connection>();
    c->stream = &stream;
    std::lock_guard lock(conns_mu);
    conns.push_back(c);
    return c;
  }

  void untrack(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(conns_mu);
    conns.remove(c);
  }

  static void fill_request(Request& req, bhttp::request<bhttp::string_body>& msg, const tcp::endpoint& peer,
                           bool trust_proxy) {
    req.method_text = std::string_view(msg.method_string().data(), msg.method_string().size());
    req.method = parse_method(req.method_text);
    req.target = std::string_view(msg.target().data(), msg.target().size());
    auto q = req.target.find('?');
    req.path = req.target.substr(0, q);
    req.query = q == std::string_view::npos ? std::string_view{} : req.target.substr(q + 1);
    req.headers.reserve(16);
    for (const auto& f : msg)
      req.headers.emplace_back(std::string_view(f.name_string().data(), f.name_string().size()),
                               std::string_view(f.value().data(), f.value().size()));
    req.body = std::move(msg.body());
    req.remote_ip = peer.address().to_string();
    if (trust_proxy) {
      if (auto xff = req.header("X-Forwarded-For")) {
        auto first = xff->substr(0, xff->find(','));
        while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
        if (!first.empty()) req.remote_ip = std::string(first);
      }
      if (auto proto = req.header("X-Forwarded-Proto")) req.secure = *proto == "https";
    }
  }

  // Serialises the response into one contiguous buffer: one write, one
  // syscall, no per-header allocations (Beast's serializer gathers a buffer
  // per header field, which showed up at the top of the profile).
  static std::string serialize(const Request& req, Response& res, bool keep_alive, unsigned version) {
    static constexpr std::string_view kCommon =
        "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\n";
    std::string out;
    out.reserve(320 + (!res.file && res.body.size() <= kInlineBody ? res.body.size() : 0));
    out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out += std::to_string(res.status);
    out += ' ';
    auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(res.status));
    out.append(reason.data(), reason.size());
    out += "\r\nDate: ";
    out += http_date();
    if (!res.content_type.empty()) {
      out += "\r\nContent-Type: ";
      out += res.content_type;
      if (res.content_type.starts_with("application/") && res.content_type.find("json") != std::string::npos &&
          res.content_type.find("charset") == std::string::npos)
        out += "; charset=utf-8";
    }
    out += "\r\nX-Request-Id: ";
    out += req.request_id;
    out += "\r\n";
    out += kCommon;
    bool has_csp = false, has_cache = false;
    for (const auto& [k, v] : res.headers) {
      // A header carrying CR or LF would split the response: drop it.
      if (k.find_first_of("\r\n:") != std::string::npos || v.find_first_of("\r\n") != std::string::npos) {
        spdlog::error("request {}: dropped a response header with a line break", req.request_id);
        continue;
      }
      if (beast::iequals(k, "Content-Security-Policy")) has_csp = true;
      if (beast::iequals(k, "Cache-Control")) has_cache = true;
      out += k;
      out += ": ";
      out += v;
      out += "\r\n";
    }
    if (!has_csp) out += "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n";
    if (!has_cache) out += "Cache-Control: no-store\r\n";
    if (req.secure) out += "Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n";
    if (!keep_alive) out += "Connection: close\r\n";
    else if (version == 10) out += "Connection: keep-alive\r\n";
    if (!bodiless(res)) {
      out += "Content-Length: ";
      out += std::to_string(res.file ? res.file->length : res.body.size());
      out += "\r\n";
    }
    out += "\r\n";
    if (sends_body(req, res) && !res.file && res.body.size() <= kInlineBody) out += res.body;
    return out;
  }
  // Bodies up to this size are copied behind the head (one buffer, one
  // write); larger ones are written from where they are (a gathered write),
  // which spares a copy of tens of kilobytes per request.
  static constexpr size_t kInlineBody = 8192;
  static bool bodiless(const Response& res) {
    return res.status == 204 || res.status == 304 || (res.status >= 100 && res.status < 200);
  }
  static bool sends_body(const Request& req, const Response& res) {
    return !bodiless(res) && req.method != Method::Head;
  }
  static bool body_apart(const Request& req, const Response& res) {
    return sends_body(req, res) && !res.file && res.body.size() > kInlineBody;
  }

  // Writes a file body with sendfile(2): the bytes go from the page cache to
  // the socket without passing through this process. The socket is
  // non-blocking; when it is full the coroutine waits until it is writable
  // again, or gives up after the read timeout (a client that stopped
  // reading). False if the response could not be completed (the peer went
  // away, timed out, or the file is shorter than promised): the caller then
  // closes the connection, since the framing is broken.
  awaitable<bool> send_file(tcp::socket& socket, std::string_view head, const FileBody& body) {
    boost::system::error_code ec;
    socket.native_non_blocking(true, ec);
    if (ec) co_return false;
    asio::steady_timer timer(socket.get_executor());
    // The head goes with MSG_MORE: the kernel holds it back to share a
    // packet with the file's first bytes instead of sending it alone.
    while (!head.empty()) {
      ssize_t n = ::send(socket.native_handle(), head.data(), head.size(), MSG_MORE | MSG_NOSIGNAL);
      if (n > 0) {
        head.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!co_await writable(socket, timer)) co_return false;
        continue;
      }
      co_return false;
    }
    off_t offset = static_cast<off_t>(body.offset);
    uint64_t left = body.length;
    uint64_t this_turn = 0;
    while (left > 0) {
      ssize_t n = ::sendfile(socket.native_handle(), body.file->fd(), &offset,
                             static_cast<size_t>(std::min(left, kSendfileSlice)));
      if (n > 0) {
        left -= static_cast<uint64_t>(n);
        this_turn += static_cast<uint64_t>(n);
        if (this_turn >= kSendfileTurn && left > 0) {
          this_turn = 0;
          co_await asio::post(socket.get_executor(), use_awaitable);
        }
        continue;
      }
      if (n == 0) co_return false;  // the file ends before `length`
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) co_return false;
      this_turn = 0;
      if (!co_await writable(socket, timer)) co_return false;
    }
    co_return true;
  }

  // Waits until the socket takes more bytes; false on an error or when the
  // client has not read anything for the read timeout.
  awaitable<bool> writable(tcp::socket& socket, asio::steady_timer& timer) {
    using namespace asio::experimental::awaitable_operators;
    timer.expires_after(std::chrono::seconds(config.read_timeout_s));
    // Named, not temporaries: g++ 12 may destroy temporaries of a co_await
    // expression twice.
    auto ready = socket.async_wait(tcp::socket::wait_write, asio::as_tuple(use_awaitable));
    auto expired = timer.async_wait(asio::as_tuple(use_awaitable));
    auto first = std::move(ready) || std::move(expired);
    auto which = co_await std::move(first);
    co_return which.index() == 0 && !std::get<0>(std::get<0>(which));
  }

  // The answer to a request that could not be read completely (oversize,
  // bad syntax); the connection is closed after it. Built outside the
  // coroutine so that no temporary lives across a co_await (g++ 12
  // destroys such temporaries twice).
  std::string rejection(ErrorKind kind, std::string detail, const tcp::endpoint& peer) {
    Request req;
    req.method_text = "-";
    req.target = "-";
    req.remote_ip = peer.address().to_string();
    Error err{kind, std::move(detail), {}, 0};
    Response res = pipeline.reject(req, err, monotonic_ns());
    return serialize(req, res, false, 11);
  }

  awaitable<void> handle(const Route* route, Request& req, Response& res) {
    if (!route) co_return;
    if (!Pipeline::offloaded(*route)) {
      pipeline.run(*route, req, res);
      co_return;
    }
    // Run on the blocking pool; resume here when it is done.
    co_await asio::co_spawn(
        blocking.get_executor(),
        [&]() -> awaitable<void> {
          pipeline.run(*route, req, res);
          co_return;
        },
        use_awaitable);
  }

  awaitable<void> session(beast::tcp_stream stream) {
    pipeline.metrics().connection_opened();
    ++live_sessions;
    auto conn = track(stream);
    tcp::endpoint peer;
    boost::system::error_code pec;
    peer = stream.socket().remote_endpoint(pec);
    beast::flat_buffer buffer;
    for (;;) {
      if (stopping) {
        // Stopping: serve what has already arrived, take nothing new.
        boost::system::error_code aec;
        if (buffer.size() == 0 && (stream.socket().available(aec) == 0 || aec)) break;
      }
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<uint32_t>(config.max_header_bytes));
      // The body's limit is the route's (uploads take more), known once the
      // headers are read; Beast would check Content-Length against a limit
      // set now, so the check is ours.
      parser.body_limit(boost::none);
      stream.expires_after(std::chrono::seconds(buffer.size() ? config.read_timeout_s : config.idle_timeout_s));
      auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, asio::as_tuple(use_awaitable));
      (void)n;
      // From its headers on, a request is in flight: a shutdown waits for it.
      if (!ec) conn->busy = true;
      if (!ec && !parser.is_done()) {
        const auto& head = parser.get();
        const size_t limit = pipeline.body_limit(head.method_string(), head.target());
        const auto declared = parser.content_length();
        if (declared && *declared > limit) {
          ec = bhttp::error::body_limit;
        } else {
          parser.body_limit(limit);
          auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(use_awaitable));
          (void)bn;
          ec = bec;
        }
      }
      if (ec) {
        std::string answer;
        if (ec == bhttp::error::body_limit)
          answer = rejection(ErrorKind::PayloadTooLarge, "The body is too large.", peer);
        else if (ec == bhttp::error::header_limit)
          answer = rejection(ErrorKind::BadRequest, "The request headers are too large.", peer);
        else if (ec != bhttp::error::end_of_stream && ec != beast::error::timeout &&
                 ec != asio::error::operation_aborted && ec != asio::error::connection_reset &&
                 ec != asio::error::eof && buffer.size() > 0)
          answer = rejection(ErrorKind::BadRequest, "Malformed HTTP request: " + ec.message() + ".", peer);
        if (!answer.empty()) {
          stream.expires_after(std::chrono::seconds(5));
          co_await asio::async_write(stream, asio::buffer(answer), asio::as_tuple(use_awaitable));
        }
        break;
      }
      conn->busy = true;
      const int64_t started = monotonic_ns();
      auto& msg = parser.get();
      const bool keep_alive = msg.keep_alive();
      const unsigned version = msg.version();
      Request req;
      fill_request(req, msg, peer, config.trust_proxy);
      Response res;
      const Route* route = pipeline.prepare(req, res);
      co_await handle(route, req, res);
      pipeline.finish(req, route, res, started);
      const bool keep = keep_alive && !stopping;
      std::string out = serialize(req, res, keep, version);
      bool sent = false;
      if (res.file && sends_body(req, res)) {
        sent = co_await send_file(stream.socket(), out, *res.file);
      } else {
        const std::array<asio::const_buffer, 2> parts{
            asio::buffer(out), body_apart(req, res) ? asio::buffer(res.body) : asio::const_buffer()};
        stream.expires_after(std::chrono::seconds(config.read_timeout_s));
        auto [wec, wn] = co_await asio::async_write(stream, parts, asio::as_tuple(use_awaitable));
        (void)wn;
        sent = !wec;
      }
      // Releases the file now rather than when the next request replaces it.
      res.file.reset();
      conn->busy = false;
      if (!sent || !keep) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.socket().close(ignored);
    conn->closed = true;
    untrack(conn);
    --live_sessions;
    pipeline.metrics().connection_closed();
  }

  void close_idle_connections() {
    std::lock_guard lock(conns_mu);
    for (auto& c : conns) {
      if (c->busy) continue;
      auto* s = c->stream;
      auto keep = c;
      asio::post(s->get_executor(), [keep] {
        if (!keep->closed && !keep->busy) {
          // Bytes waiting on the socket are a request that has arrived but
          // is not read yet: it is served, not dropped.
          boost::system::error_code ec;
          if (keep->stream->socket().available(ec) > 0 && !ec) return;
          keep->stream->socket().cancel(ec);
        }
      });
    }
  }

  void run() {
    // sendfile(2) has no MSG_NOSIGNAL: a client that disconnects mid-file
    // must give EPIPE, not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
    for (size_t i = 0; i < loops.size(); ++i)
      asio::co_spawn(*loops[i], accept_loop(*acceptors[i]), asio::detached);
    asio::io_context signals_loop;
    asio::signal_set signals(signals_loop, SIGINT, SIGTERM);
    signals.async_wait([this](const boost::system::error_code& ec, int) {
      if (!ec) begin_stop();
    });
    // The loops run until the shutdown watcher stops them, even when they
    // run out of work earlier (acceptors closed, no connection left).
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
    for (auto& loop : loops) guards.push_back(asio::make_work_guard(*loop));
    std::vector<std::thread> threads;
    for (auto& loop : loops) threads.emplace_back([&loop] { loop->run(); });
    std::thread signal_thread([&] { signals_loop.run(); });
    for (auto& t : threads) t.join();
    {
      // begin_stop() holds this lock while it starts the watcher, so the
      // watcher is fully assigned by the time it can be joined.
      std::lock_guard lock(watcher_mu);
      if (watcher.joinable()) watcher.join();
    }
    signals_loop.stop();
    signal_thread.join();
    blocking.join();
  }

  void begin_stop() {
    if (stopping.exchange(true)) return;
    spdlog::info("shutting down: no new connections, finishing requests in flight");
    for (size_t i = 0; i < acceptors.size(); ++i) {
      auto* acc = acceptors[i].get();
      asio::post(*loops[i], [acc] {
        boost::system::error_code ignored;
        acc->close(ignored);
      });
    }
    // A watcher closes idle connections until every session has ended (or
    // 30 s passed), then stops the loops.
    std::lock_guard lock(watcher_mu);
    watcher = std::thread([this] {
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (live_sessions > 0 && std::chrono::steady_clock::now() < deadline) {
        close_idle_connections();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      for (auto& loop : loops) loop->stop();
    });
  }
};

HttpServer::HttpServer(const Config& config, Pipeline& pipeline) : impl_(std::make_unique<Impl>(config, pipeline)) {}
HttpServer::~HttpServer() = default;
void HttpServer::listen() { impl_->listen(); }
uint16_t HttpServer::port() const { return impl_->bound_port; }
void HttpServer::run() { impl_->run(); }
void HttpServer::stop() { impl_->begin_stop(); }

}  // namespace trivium::http
