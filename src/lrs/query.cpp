// Reading statements: by id, and the filtered, paged query of GET
// /statements. Each filter is one index range; the query is driven by the
// most selective table present (the agent's entries, else the activity's,
// else the statements themselves), walked in statement order so that a page
// costs its length, not the size of the store.

#include <deque>

#include "core/ids.h"
#include "lrs/internal.h"

namespace trivium::lrs {

namespace {

constexpr int kPageSize = 500;

}  // namespace

Result<std::optional<StoredStatement>> Service::Impl::statement_by_id(const std::string& org, const std::string& id,
                                                                      bool voided) {
  std::optional<StoredStatement> out;
  TRV_TRY(store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto row, tx.one("SELECT seq, body, stored_ms FROM lrs_statements WHERE organisation_id = $1 AND "
                                "id = $2 AND voided = $3",
                                {org, id, voided}));
    if (row) out = StoredStatement{row->i64(0), row->text(1), row->i64(2)};
    return ok();
  }));
  return out;
}

Result<StatementPage> Service::Impl::query(const std::string& org, const StatementQuery& q) {
  const int limit = q.limit <= 0 || q.limit > kPageSize ? kPageSize : q.limit;
  std::vector<db::Param> params;
  // Parameter texts live here so that the views in `params` stay valid (a
  // deque never moves its elements).
  std::deque<std::string> texts;
  auto param = [&](std::string v) {
    texts.push_back(std::move(v));
    params.emplace_back(texts.back());
    return "$" + std::to_string(params.size());
  };
  auto int_param = [&](int64_t v) {
    params.emplace_back(v);
    return "$" + std::to_string(params.size());
  };

  const std::string org_p = param(org);
  std::string from;
  std::string where;
  std::string order_col;
  if (q.agent_key) {
    from = "lrs_statement_agents a";
    where = "a.organisation_id = " + org_p + " AND a.agent_key = " + param(*q.agent_key);
    if (!q.related_agents) where += " AND a.direct = 1";
    order_col = "a.seq";
  }
  if (q.activity) {
    std::string cond = "c.organisation_id = " + org_p + " AND c.activity_id = " + param(*q.activity);
    if (!q.related_activities) cond += " AND c.direct = 1";
    if (from.empty()) {
      from = "lrs_statement_activities c";
      where = cond;
      order_col = "c.seq";
    } else {
      // CROSS JOIN keeps SQLite from reordering: the agent's entries drive,
      // each probes the activity's by primary key.
      from += " CROSS JOIN lrs_statement_activities c";
      where += " AND " + cond + " AND c.seq = a.seq";
    }
  }
  if (from.empty()) {
    from = "lrs_statements s";
    where = "s.organisation_id = " + org_p;
    order_col = "s.seq";
  } else {
    from += " CROSS JOIN lrs_statements s";
    where += " AND s.seq = " + order_col + " AND s.organisation_id = " + org_p;
  }
  where += " AND s.voided = 0";
  if (q.verb) where += " AND s.verb_id = " + param(*q.verb);
  if (q.registration) where += " AND s.registration = " + param(*q.registration);
  if (q.since_ms) where += " AND s.stored_ms > " + int_param(*q.since_ms);
  if (q.until_ms) where += " AND s.stored_ms <= " + int_param(*q.until_ms);

  StatementPage page;
  TRV_TRY(store.read([&](db::Tx& tx) -> Result<void> {
    int64_t through = 0;
    if (q.through_seq) {
      through = *q.through_seq;
    } else {
      TRV_ASSIGN(auto max, tx.one("SELECT MAX(seq) FROM lrs_statements"));
      through = max ? max->i64(0) : 0;
    }
    page.through_seq = through;
    std::string w = where + " AND " + order_col + " <= " + int_param(through);
    if (q.after_seq) w += " AND " + order_col + (q.ascending ? " > " : " < ") + int_param(*q.after_seq);
    const std::string sql = "SELECT s.seq, s.body, s.stored_ms FROM " + from + " WHERE " + w + " ORDER BY " +
                            order_col + (q.ascending ? " ASC" : " DESC") + " LIMIT " + int_param(limit + 1);
    TRV_ASSIGN(auto rows, tx.query_params(sql, params));
    for (const auto& r : rows) {
      if (static_cast<int>(page.statements.size()) == limit) {
        page.more = true;
        break;
      }
      page.statements.push_back({r.i64(0), r.text(1), r.i64(2)});
    }
    return ok();
  }));
  return page;
}

Result<std::vector<std::pair<std::string, std::pair<std::string, std::string>>>> Service::Impl::attachments_of(
    const std::string& org, const std::vector<StoredStatement>& statements) {
  std::set<std::string> wanted;
  for (const auto& s : statements) {
    auto v = bj::parse(s.body);
    if (!v.is_object()) continue;
    const bj::value* list = v.get_object().if_contains("attachments");
    if (!list || !list->is_array()) continue;
    for (const bj::value& a : list->get_array()) {
      if (!a.is_object()) continue;
      const bj::value* sha = a.get_object().if_contains("sha2");
      if (sha && sha->is_string()) wanted.emplace(sha->get_string().c_str());
    }
  }
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> out;
  if (wanted.empty()) return out;
  TRV_TRY(store.read([&](db::Tx& tx) -> Result<void> {
    for (const std::string& sha : wanted) {
      TRV_ASSIGN(auto row, tx.one("SELECT content_type, content_base64 FROM lrs_attachments WHERE organisation_id = "
                                  "$1 AND sha2 = $2",
                                  {org, sha}));
      if (!row) continue;  // a fileUrl attachment: no bytes here
      auto bytes = base64_decode(row->text(1));
      if (!bytes) return fail(ErrorKind::Internal, "attachment " + sha + " is not valid base64");
      out.push_back({sha, {row->text(0), std::move(*bytes)}});
    }
    return ok();
  }));
  return out;
}

Result<bj::object> Service::Impl::activity(const std::string& org, const std::string& activity_id) {
  bj::object out{{"objectType", "Activity"}, {"id", activity_id}};
  TRV_TRY(store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto row, tx.one("SELECT definition FROM lrs_activities WHERE organisation_id = $1 AND activity_id = $2",
                                {org, activity_id}));
    if (row) {
      auto def = bj::parse(row->text(0));
      if (def.is_object() && !def.get_object().empty()) out["definition"] = def;
    }
    return ok();
  }));
  return out;
}

Result<bj::object> Service::Impl::person(const std::string& org, const bj::object& agent) {
  // A Person gathers what is known of the agent; Trivium does not link
  // several identifiers of one person, so each list holds at most one.
  bj::object out{{"objectType", "Person"}};
  bj::object known = agent;
  if (auto key = xapi::agent_key(agent)) {
    TRV_TRY(store.read([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(auto row,
                 tx.one("SELECT agent FROM lrs_agents WHERE organisation_id = $1 AND agent_key = $2", {org, *key}));
      if (row) {
        auto v = bj::parse(row->text(0));
        if (v.is_object()) known = v.get_object();
      }
      return ok();
    }));
  }
  for (std::string_view field : {"name", "mbox", "mbox_sha1sum", "openid", "account"}) {
    if (const bj::value* v = known.if_contains(field)) out[field] = bj::array{*v};
  }
  return out;
}

}  // namespace trivium::lrs
