#include "core/log.h"

#include <spdlog/async.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <ctime>
#include <iterator>
#include <mutex>
#include <thread>
#include <vector>

namespace trivium {
namespace {

std::unique_ptr<AccessLog> g_access;

// %* : the message as the inside of a JSON string.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string escaped = json_escape(std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(escaped.data(), escaped.data() + escaped.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessageFlag>(); }
};

}  // namespace

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  append_escaped(out, s);
  return out;
}

void append_escaped(std::string& out, std::string_view s) {
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
}

void setup_logging(const Config& config) {
  bool json = config.log_format == "json" || (config.log_format == "auto" && !isatty(STDOUT_FILENO));
  spdlog::init_thread_pool(16384, 1);
  auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  auto make = [&](const std::string& name) {
    auto logger = std::make_shared<spdlog::async_logger>(name, sink, spdlog::thread_pool(),
                                                         spdlog::async_overflow_policy::block);
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    if (json) {
      formatter->add_flag<JsonMessageFlag>('*').set_pattern(
          R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n","msg":"%*"})");
    } else {
      formatter->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
    }
    logger->set_formatter(std::move(formatter));
    logger->set_level(spdlog::level::from_str(config.log_level));
    logger->flush_on(spdlog::level::info);
    return logger;
  };
  spdlog::set_default_logger(make("trivium"));
  if (config.access_log) g_access = std::make_unique<AccessLog>(json);
  spdlog::flush_every(std::chrono::seconds(1));
}

AccessLog* access_log() { return g_access.get(); }

void shutdown_logging() {
  if (g_access) g_access->flush();
  spdlog::shutdown();
}

struct AccessLog::Impl {
  struct Buffer {
    std::mutex mu;
    std::string data;
  };
  static constexpr size_t kChunk = 32 * 1024;

  bool json;
  std::mutex registry_mu;
  std::vector<std::unique_ptr<Buffer>> buffers;
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopping = false;
  // Every chunk goes through this queue (under stop_mu) and is written by
  // drain(), one drain at a time, so each thread's lines stay in order. A
  // request thread only queues: it never waits for the file system, whose
  // writes can stall (dirty-page throttling) for longer than many requests
  // take; only when the flusher is kMaxQueued chunks behind does it drain
  // the queue itself (back-pressure rather than unbounded memory).
  std::deque<std::string> queue;
  static constexpr size_t kMaxQueued = 64;  // 2 MiB
  std::mutex drain_mu;
  std::thread flusher;

  // Called with the chunk's buffer locked, so that a buffer's chunks enter
  // the queue in the order they were cut. Returns whether the queue is full.
  bool enqueue(std::string&& chunk) {
    std::lock_guard lock(stop_mu);
    queue.push_back(std::move(chunk));
    stop_cv.notify_one();
    return queue.size() >= kMaxQueued;
  }

  void drain() {
    std::lock_guard order(drain_mu);
    std::deque<std::string> batch;
    {
      std::lock_guard lock(stop_mu);
      batch.swap(queue);
    }
    for (const std::string& chunk : batch) write_out(chunk);
  }

  Buffer& mine() {
    thread_local Impl* owner = nullptr;
    thread_local Buffer* buffer = nullptr;
    if (owner != this) {
      auto b = std::make_unique<Buffer>();
      b->data.reserve(kChunk + 1024);
      buffer = b.get();
      std::lock_guard lock(registry_mu);
      buffers.push_back(std::move(b));
      owner = this;
    }
    return *buffer;
  }

  static void write_out(const std::string& chunk) {
    size_t done = 0;
    while (done < chunk.size()) {
      ssize_t n = ::write(STDOUT_FILENO, chunk.data() + done, chunk.size() - done);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        return;  // stdout is gone: drop the log rather than the request
      }
      done += static_cast<size_t>(n);
    }
  }

  // Queues what every thread has buffered, then writes the queue.
  void flush_all() {
    std::vector<Buffer*> all;
    {
      std::lock_guard lock(registry_mu);
      for (auto& b : buffers) all.push_back(b.get());
    }
    for (Buffer* b : all) {
      std::lock_guard lock(b->mu);
      if (b->data.empty()) continue;
      std::string chunk;
      chunk.swap(b->data);
      b->data.reserve(kChunk + 1024);
      enqueue(std::move(chunk));
    }
    drain();
  }
};

AccessLog::AccessLog(bool json) : impl_(std::make_unique<Impl>()) {
  impl_->json = json;
  impl_->flusher = std::thread([impl = impl_.get()] {
    std::unique_lock lock(impl->stop_mu);
    auto next_flush = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (!impl->stopping) {
      impl->stop_cv.wait_until(lock, next_flush, [impl] { return impl->stopping || !impl->queue.empty(); });
      lock.unlock();
      impl->drain();
      if (std::chrono::steady_clock::now() >= next_flush) {
        impl->flush_all();
        next_flush = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      }
      lock.lock();
    }
  });
}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(impl_->stop_mu);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  impl_->flusher.join();
  impl_->flush_all();
}

void AccessLog::flush() { impl_->flush_all(); }

namespace {

// Milliseconds with three decimals, without floating-point formatting (the
// access log writes one per request).
void append_millis(std::string& out, double ms) {
  if (!(ms >= 0) || ms > 1e12) ms = 0;
  const auto micros = static_cast<int64_t>(ms * 1000.0 + 0.5);
  out += std::to_string(micros / 1000);
  char frac[4] = {static_cast<char>('0' + micros % 1000 / 100), static_cast<char>('0' + micros % 100 / 10),
                  static_cast<char>('0' + micros % 10), '\0'};
  out += '.';
  out += frac;
}

}  // namespace

void AccessLog::record(const Line& l) {
  // Wall-clock time with milliseconds; the seconds part is formatted once a second per thread.
  using namespace std::chrono;
  auto now = system_clock::now();
  auto secs = time_point_cast<seconds>(now);
  int millis = static_cast<int>(duration_cast<milliseconds>(now - secs).count());
  thread_local std::time_t cached_secs = 0;
  thread_local char cached[32] = {0};
  std::time_t t = system_clock::to_time_t(secs);
  if (t != cached_secs) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
    cached_secs = t;
  }
  Impl::Buffer& b = impl_->mine();
  bool behind = false;
  {
    std::lock_guard lock(b.mu);
    std::string& d = b.data;
    auto out = std::back_inserter(d);
    if (impl_->json) {
      fmt::format_to(out, "{{\"time\":\"{}.{:03d}Z\",\"level\":\"info\",\"logger\":\"access\",\"method\":\"", cached,
                     millis);
      append_escaped(d, l.method);
      d += "\",\"target\":\"";
      append_escaped(d, l.target);
      fmt::format_to(out, "\",\"status\":{},\"bytes\":{},\"ms\":", l.status, l.bytes);
      append_millis(d, l.ms);
      d += ",\"request_id\":\"";
      append_escaped(d, l.request_id);
      d += "\",\"ip\":\"";
      append_escaped(d, l.ip);
      d += "\",\"user\":\"";
      append_escaped(d, l.user);
      d += "\"}\n";
    } else {
      fmt::format_to(out, "{}.{:03d} access ", cached, millis);
      append_escaped(d, l.method);
      d += ' ';
      append_escaped(d, l.target);
      fmt::format_to(out, " {} {} ", l.status, l.bytes);
      append_millis(d, l.ms);
      d += "ms id=";
      append_escaped(d, l.request_id);
      d += " ip=";
      append_escaped(d, l.ip);
      d += " user=";
      if (l.user.empty()) d += '-';
      else append_escaped(d, l.user);
      d += '\n';
    }
    if (b.data.size() >= Impl::kChunk) {
      std::string chunk;
      chunk.swap(b.data);
      b.data.reserve(Impl::kChunk + 1024);
      behind = impl_->enqueue(std::move(chunk));
    }
  }
  if (behind) impl_->drain();
}

}  // namespace trivium
