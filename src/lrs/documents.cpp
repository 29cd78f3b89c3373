// The document resources: State (per activity, agent and registration),
// Activity Profile and Agent Profile. A PUT replaces, a POST merges JSON
// objects; concurrent writers are kept apart by ETags (If-Match,
// If-None-Match), checked in the same transaction as the write.

#include <openssl/evp.h>

#include <limits>

#include "core/ids.h"
#include "lrs/internal.h"

namespace trivium::lrs {

namespace {

bool is_json_type(std::string_view content_type) {
  return media_type(content_type) == "application/json";
}

std::optional<bj::object> json_object(std::string_view text) {
  boost::system::error_code ec;
  bj::value v = bj::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

bool etag_matches(const std::string& header, const std::string& etag) {
  // A list of entity tags, or "*".
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string::npos) end = header.size();
    std::string_view one(header.data() + start, end - start);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
    if (one.substr(0, 2) == "W/") one.remove_prefix(2);
    if (one == "*" || one == etag) return true;
    // Some clients send the tag unquoted.
    if (etag.size() > 2 && one == std::string_view(etag).substr(1, etag.size() - 2)) return true;
    start = end + 1;
  }
  return false;
}

Result<void> check_preconditions(const Preconditions& pre, const std::optional<std::string>& current_etag) {
  if (pre.if_match) {
    if (!current_etag || !etag_matches(*pre.if_match, *current_etag)) {
      return fail(ErrorKind::PreconditionFailed, "The document has changed (If-Match does not hold).");
    }
  }
  if (pre.if_none_match) {
    if (current_etag && etag_matches(*pre.if_none_match, *current_etag)) {
      return fail(ErrorKind::PreconditionFailed, "The document already exists (If-None-Match does not hold).");
    }
  }
  if (pre.require_for_existing && current_etag && !pre.if_match && !pre.if_none_match) {
    return fail(ErrorKind::Conflict,
                "The document exists: send If-Match with its ETag to replace it, or If-None-Match: * to create.");
  }
  return ok();
}

}  // namespace

std::string media_type(std::string_view content_type) {
  std::string_view base = content_type.substr(0, content_type.find(';'));
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  while (!base.empty() && base.front() == ' ') base.remove_prefix(1);
  std::string out(base);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string document_etag(std::string_view content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(content.data(), content.size(), digest, &len, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  out += '"';
  return out;
}

Result<std::optional<Document>> Service::Impl::get_document(const std::string& org, const DocumentKey& key) {
  std::optional<Document> out;
  TRV_TRY(store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto row, tx.one("SELECT content_type, content_base64, etag, updated_ms FROM lrs_documents WHERE "
                                "organisation_id = $1 AND kind = $2 AND activity_id = $3 AND agent_key = $4 AND "
                                "registration = $5 AND document_id = $6",
                                {org, key.kind, key.activity_id, key.agent_key, key.registration, key.document_id}));
    if (!row) return ok();
    auto bytes = base64_decode(row->text(1));
    if (!bytes) return fail(ErrorKind::Internal, "document content is not valid base64");
    out = Document{row->text(0), std::move(*bytes), row->text(2), row->i64(3)};
    return ok();
  }));
  return out;
}

Result<std::vector<std::string>> Service::Impl::list_documents(const std::string& org, const DocumentKey& key,
                                                               std::optional<int64_t> since_ms) {
  std::vector<std::string> ids;
  TRV_TRY(store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto rows, tx.query("SELECT document_id FROM lrs_documents WHERE organisation_id = $1 AND kind = $2 AND "
                                   "activity_id = $3 AND agent_key = $4 AND registration = $5 AND updated_ms > $6 "
                                   "ORDER BY document_id",
                                   {org, key.kind, key.activity_id, key.agent_key, key.registration,
                                    since_ms.value_or(std::numeric_limits<int64_t>::min())}));
    for (const auto& r : rows) ids.push_back(r.text(0));
    return ok();
  }));
  return ids;
}

Result<std::string> Service::Impl::put_document(const std::string& org, const DocumentKey& key,
                                                const std::string& content_type, const std::string& content, bool merge,
                                                const Preconditions& pre) {
  std::string etag;
  const int64_t now = clock.now_ms();
  TRV_TRY(store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto row, tx.one("SELECT content_type, content_base64, etag FROM lrs_documents WHERE "
                                "organisation_id = $1 AND kind = $2 AND activity_id = $3 AND agent_key = $4 AND "
                                "registration = $5 AND document_id = $6",
                                {org, key.kind, key.activity_id, key.agent_key, key.registration, key.document_id}));
    std::optional<std::string> current_etag;
    if (row) current_etag = row->text(2);
    TRV_TRY(check_preconditions(pre, current_etag));

    std::string type = content_type;
    std::string bytes = content;
    if (merge) {
      // POST merges JSON objects; anything else cannot be merged.
      auto incoming = json_object(content);
      if (!is_json_type(content_type) || !incoming) {
        return fail(ErrorKind::BadRequest, "A POST merges JSON objects: send an application/json object.");
      }
      if (row) {
        auto old_bytes = base64_decode(row->text(1));
        std::optional<bj::object> old;
        if (old_bytes && is_json_type(row->text(0))) old = json_object(*old_bytes);
        if (!old) return fail(ErrorKind::BadRequest, "The stored document is not a JSON object and cannot be merged.");
        for (const auto& [k, v] : *incoming) (*old)[k] = v;
        bytes = bj::serialize(*old);
      } else {
        bytes = bj::serialize(*incoming);
      }
      type = "application/json";
    }
    etag = document_etag(bytes);
    TRV_TRY(
        tx.exec("INSERT INTO lrs_documents (organisation_id, kind, activity_id, agent_key, registration, document_id, "
                "content_type, content_base64, etag, updated_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                "ON CONFLICT (organisation_id, kind, activity_id, agent_key, registration, document_id) DO UPDATE SET "
                "content_type = excluded.content_type, content_base64 = excluded.content_base64, etag = excluded.etag, "
                "updated_ms = excluded.updated_ms",
                {org, key.kind, key.activity_id, key.agent_key, key.registration, key.document_id, type,
                 base64_encode(bytes), etag, now}));
    return ok();
  }));
  return etag;
}

Result<void> Service::Impl::delete_document(const std::string& org, const DocumentKey& key, const Preconditions& pre) {
  return store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto row, tx.one("SELECT etag FROM lrs_documents WHERE organisation_id = $1 AND kind = $2 AND "
                                "activity_id = $3 AND agent_key = $4 AND registration = $5 AND document_id = $6",
                                {org, key.kind, key.activity_id, key.agent_key, key.registration, key.document_id}));
    std::optional<std::string> current;
    if (row) current = row->text(0);
    Preconditions p = pre;
    p.require_for_existing = false;
    TRV_TRY(check_preconditions(p, current));
    if (!row) return ok();
    TRV_TRY(
        tx.exec("DELETE FROM lrs_documents WHERE organisation_id = $1 AND kind = $2 AND activity_id = $3 AND "
                "agent_key = $4 AND registration = $5 AND document_id = $6",
                {org, key.kind, key.activity_id, key.agent_key, key.registration, key.document_id}));
    return ok();
  });
}

Result<int64_t> Service::Impl::delete_documents(const std::string& org, const DocumentKey& key) {
  int64_t n = 0;
  TRV_TRY(store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(n, tx.exec("DELETE FROM lrs_documents WHERE organisation_id = $1 AND kind = $2 AND activity_id = $3 "
                          "AND agent_key = $4 AND registration = $5",
                          {org, key.kind, key.activity_id, key.agent_key, key.registration}));
    return ok();
  }));
  return n;
}

}  // namespace trivium::lrs
