// In-memory caches of sessions, API tokens and profiles: what lets
// GET /api/v1/me answer without touching the store. Internal to identity.
//
// Entries are trusted for a short time (Settings::cache_ttl_ms), then
// re-read, so a change made by another process is seen within seconds; a
// change made by this process drops the entries at once. An epoch counter
// keeps a lookup that raced with such a change from putting back what was
// just dropped.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/http.h"
#include "identity/identity.h"
#include "identity/model.h"

namespace trivium::identity::detail {

// A credential (session cookie or API token) known to be valid when cached.
struct CachedCredential {
  http::Subject subject;
  int64_t expires_at = 0;         // absolute end; INT64_MAX for tokens without expiry
  int64_t idle_ms = 0;            // sessions end after this much inactivity; 0 for tokens
  int64_t last_seen_at = 0;       // the most recent use seen by this process
  int64_t persisted_seen_at = 0;  // the last-seen time last written to the store
  int64_t cached_at = 0;
};

// A sharded map: lookups on different shards never wait for each other.
template <typename V>
class ShardedMap {
 public:
  static constexpr size_t kShards = 16;
  static constexpr size_t kMaxPerShard = 16384;

  // Runs `fn(V* value, bool& drop)` under the shard's lock; `value` is null
  // when absent, and setting `drop` erases the entry afterwards.
  template <typename Fn>
  auto with(const std::string& key, Fn&& fn) {
    Shard& s = shard(key);
    std::lock_guard lock(s.mu);
    auto it = s.map.find(key);
    bool drop = false;
    auto result = fn(it == s.map.end() ? nullptr : &it->second, drop);
    if (drop && it != s.map.end()) s.map.erase(it);
    return result;
  }

  // Inserts or replaces, unless an invalidation happened since `epoch`.
  void put(const std::string& key, V value, uint64_t epoch) {
    Shard& s = shard(key);
    std::lock_guard lock(s.mu);
    if (epoch != epoch_.load(std::memory_order_acquire)) return;
    // Bounded memory: a full shard starts over (entries are re-read anyway).
    if (s.map.size() >= kMaxPerShard && !s.map.count(key)) s.map.clear();
    s.map.insert_or_assign(key, std::move(value));
  }

  void erase(const std::string& key) {
    Shard& s = shard(key);
    std::lock_guard lock(s.mu);
    s.map.erase(key);
  }

  // Erases every entry for which `pred(key, value)` holds. Rare and not on
  // the hot path: it visits every shard.
  void erase_if(const std::function<bool(const std::string&, const V&)>& pred) {
    epoch_.fetch_add(1, std::memory_order_acq_rel);
    for (Shard& s : shards_) {
      std::lock_guard lock(s.mu);
      for (auto it = s.map.begin(); it != s.map.end();) {
        it = pred(it->first, it->second) ? s.map.erase(it) : std::next(it);
      }
    }
  }

  uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }

 private:
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, V> map;
  };
  Shard& shard(const std::string& key) { return shards_[std::hash<std::string>{}(key) % kShards]; }
  std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> epoch_{0};
};

struct CachedUser {
  User user;
  int64_t cached_at = 0;
  // A rendering of `user` made by the caller of Service::me_rendered(); it
  // goes when the entry is replaced, so it is never older than `user`.
  std::shared_ptr<const std::string> rendered;
};

}  // namespace trivium::identity::detail

namespace trivium::identity {

// Held by the Service and read by the Authenticator.
struct Service::Caches {
  detail::ShardedMap<detail::CachedCredential> credentials;  // key: secret digest
  detail::ShardedMap<detail::CachedUser> users;              // key: user id
};

}  // namespace trivium::identity
