// Storing statements: ids, stored time, authority, voiding, the conflict rule
// for a repeated id, and the index entries every query filter reads.

#include "core/clock.h"
#include "core/ids.h"
#include "core/json.h"
#include "lrs/internal.h"

namespace trivium::lrs {

namespace {

// The agents and activities a statement mentions, each marked direct (the
// `agent` and `activity` filters) or related only (their related_* forms).
// A key mentioned both ways is direct.
struct Mentions {
  std::map<std::string, bool> agents;
  std::map<std::string, bool> activities;
  void agent(const std::string& key, bool direct) { agents[key] = agents[key] || direct; }
  void activity(std::string_view id, bool direct) {
    bool& d = activities[std::string(id)];
    d = d || direct;
  }
};

const bj::object* as_object(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

std::string_view string_of(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  if (!v || !v->is_string()) return {};
  const bj::string& s = v->get_string();
  return {s.data(), s.size()};
}

// An Agent or Group: its own key (when identified) and its members' keys.
void add_actor(const bj::object& actor, bool direct, Mentions& m) {
  if (auto key = xapi::agent_key(actor)) m.agent(*key, direct);
  if (const bj::value* members = actor.if_contains("member"); members && members->is_array()) {
    for (const bj::value& member : members->get_array()) {
      if (!member.is_object()) continue;
      if (auto key = xapi::agent_key(member.get_object())) m.agent(*key, false);
    }
  }
}

void add_activity_array(const bj::value* list, Mentions& m) {
  if (!list) return;
  auto add = [&m](const bj::value& a) {
    if (!a.is_object()) return;
    std::string_view id = string_of(a.get_object(), "id");
    if (!id.empty()) m.activity(id, false);
  };
  if (list->is_array()) {
    for (const bj::value& a : list->get_array()) add(a);
  } else {
    add(*list);
  }
}

void collect(const bj::object& st, bool top, Mentions& m) {
  if (const bj::object* actor = as_object(st, "actor")) add_actor(*actor, top, m);
  if (const bj::object* object = as_object(st, "object")) {
    std::string_view type = string_of(*object, "objectType");
    if (type == "Agent" || type == "Group") {
      add_actor(*object, top, m);
    } else if (type == "SubStatement") {
      collect(*object, false, m);
    } else if (type.empty() || type == "Activity") {
      std::string_view id = string_of(*object, "id");
      if (!id.empty()) m.activity(id, top);
    }
  }
  if (const bj::object* authority = as_object(st, "authority")) add_actor(*authority, false, m);
  if (const bj::object* context = as_object(st, "context")) {
    if (const bj::object* instructor = as_object(*context, "instructor")) add_actor(*instructor, false, m);
    if (const bj::object* team = as_object(*context, "team")) add_actor(*team, false, m);
    for (std::string_view list_key : {"contextAgents", "contextGroups"}) {
      const bj::value* list = context->if_contains(list_key);
      if (!list || !list->is_array()) continue;
      for (const bj::value& entry : list->get_array()) {
        if (!entry.is_object()) continue;
        for (std::string_view who : {"agent", "group"}) {
          if (const bj::object* a = as_object(entry.get_object(), who)) add_actor(*a, false, m);
        }
      }
    }
    if (const bj::object* ca = as_object(*context, "contextActivities")) {
      for (std::string_view kind : {"parent", "grouping", "category", "other"}) {
        add_activity_array(ca->if_contains(kind), m);
      }
    }
  }
}

std::string cache_key(const std::string& org, std::string_view id) {
  std::string k = org;
  k += '\x1f';
  k += id;
  return k;
}

// Merges a newer definition into the canonical one: newer top-level values
// win, language maps gain or replace entries, extensions likewise.
void merge_definition(bj::object& canonical, const bj::object& newer) {
  for (const auto& [key, value] : newer) {
    bj::value* old = canonical.if_contains(key);
    if (old && old->is_object() && value.is_object() &&
        (key == "name" || key == "description" || key == "extensions")) {
      for (const auto& [k, v] : value.get_object()) old->get_object()[k] = v;
    } else {
      canonical[key] = value;
    }
  }
}

}  // namespace

bj::object Service::Impl::client_authority(const Client& client) const {
  return bj::object{{"objectType", "Agent"},
                    {"name", client.name},
                    {"account", bj::object{{"homePage", public_url}, {"name", "client:" + client.key}}}};
}

bj::object Service::Impl::trivium_authority() const {
  return bj::object{{"objectType", "Agent"},
                    {"name", "Trivium"},
                    {"account", bj::object{{"homePage", public_url}, {"name", "trivium"}}}};
}

std::vector<PreparedStatement> Service::Impl::prepare(const Authority& authority, std::vector<bj::object>& statements,
                                                      xapi::Version version) {
  const std::string stored = format_rfc3339(clock.now_ms());
  std::vector<PreparedStatement> out(statements.size());
  for (size_t i = 0; i < statements.size(); ++i) {
    bj::object& st = statements[i];
    PreparedStatement& p = out[i];
    p.index = i;
    p.id = std::string(string_of(st, "id"));
    if (p.id.empty()) {
      p.id = new_id();
      st["id"] = p.id;
    }
    p.verb = std::string(string_of(*as_object(st, "verb"), "id"));
    const bj::object* object = as_object(st, "object");
    if (object && string_of(*object, "objectType") == "StatementRef") p.target = std::string(string_of(*object, "id"));
    if (const bj::object* context = as_object(st, "context")) {
      std::string_view r = string_of(*context, "registration");
      if (!r.empty()) p.registration = std::string(r);
    }
    if (object && (string_of(*object, "objectType").empty() || string_of(*object, "objectType") == "Activity")) {
      if (const bj::object* def = as_object(*object, "definition")) {
        p.activity_id = std::string(string_of(*object, "id"));
        p.definition = *def;
        p.definition_text = bj::serialize(*def);
      }
    }
    if (const bj::object* actor = as_object(st, "actor")) {
      if (auto key = xapi::agent_key(*actor); key && actor->contains("name")) {
        p.agent_key = *key;
        p.agent_text = bj::serialize(*actor);
      }
    }
    if (const bj::value* list = st.if_contains("attachments"); list && list->is_array()) {
      for (const bj::value& a : list->get_array()) {
        if (!a.is_object()) continue;
        p.attachments.emplace_back(string_of(a.get_object(), "sha2"), string_of(a.get_object(), "contentType"));
      }
    }
    p.timestamp_assigned = !st.contains("timestamp");
    st["stored"] = stored;
    if (p.timestamp_assigned) st["timestamp"] = stored;
    st["authority"] = authority.agent;
    if (!st.contains("version")) st["version"] = version == xapi::Version::V2_0 ? "2.0.0" : "1.0.0";
    Mentions m;
    collect(st, true, m);
    p.agents.assign(m.agents.begin(), m.agents.end());
    p.activities.assign(m.activities.begin(), m.activities.end());
    p.body = bj::serialize(st);
  }
  return out;
}

Result<std::vector<std::string>> Service::Impl::apply(db::Tx& tx, const std::string& org, const std::string& client_id,
                                                      const std::vector<bj::object>& statements,
                                                      const std::vector<PreparedStatement>& prepared,
                                                      const std::map<std::string, std::string_view>& attachments,
                                                      DefinitionCache& cache) {
  const int64_t now = clock.now_ms();
  std::vector<std::string> ids;
  ids.reserve(prepared.size());
  std::set<std::string_view> batch_ids;
  for (const PreparedStatement& p : prepared) {
    if (!batch_ids.insert(p.id).second) {
      return fail(ErrorKind::BadRequest, "The batch holds two statements with the id " + p.id + ".");
    }
    ids.push_back(p.id);
  }
  for (const PreparedStatement& p : prepared) {
    const std::string where = "statements[" + std::to_string(p.index) + "]";
    TRV_ASSIGN(auto existing,
               tx.one("SELECT body FROM lrs_statements WHERE organisation_id = $1 AND id = $2", {org, p.id}));
    if (existing) {
      // The same statement sent again is accepted and changes nothing; a
      // different one under a known id is refused (the stored one is immutable).
      auto old = bj::parse(existing->text(0));
      bj::object incoming = statements[p.index];
      if (p.timestamp_assigned) incoming.erase("timestamp");
      if (old.is_object() && xapi::same_statement(old.get_object(), incoming)) continue;
      return fail(ErrorKind::Conflict, "A different statement with the id " + p.id + " is already stored.");
    }

    std::vector<std::pair<std::string, bool>> agents = p.agents;
    std::vector<std::pair<std::string, bool>> activities = p.activities;
    std::optional<db::Row> target_row;
    if (p.target) {
      TRV_ASSIGN(target_row, tx.one("SELECT seq, verb_id, body FROM lrs_statements WHERE organisation_id = $1 AND "
                                    "id = $2",
                                    {org, *p.target}));
      if (target_row) {
        // A statement about another one is found by the filters that find
        // the one it refers to.
        Mentions m;
        for (const auto& [k, d] : agents) m.agent(k, d);
        for (const auto& [k, d] : activities) m.activity(k, d);
        auto target_body = bj::parse(target_row->text(2));
        if (target_body.is_object()) collect(target_body.get_object(), true, m);
        agents.assign(m.agents.begin(), m.agents.end());
        activities.assign(m.activities.begin(), m.activities.end());
      }
    }
    bool voided = false;
    if (p.verb == kVoided) {
      if (!p.target)
        return fail(ErrorKind::BadRequest, where + ".object: a voiding statement refers to a StatementRef.");
      if (target_row && target_row->text(1) == kVoided) {
        return fail(ErrorKind::BadRequest, where + ": a voiding statement cannot be voided.");
      }
      if (target_row) TRV_TRY(tx.exec("UPDATE lrs_statements SET voided = 1 WHERE seq = $1", {target_row->i64(0)}));
    } else {
      // A voiding statement may arrive before the statement it voids.
      TRV_ASSIGN(auto voider, tx.one("SELECT 1 FROM lrs_statements WHERE organisation_id = $1 AND target_id = $2 AND "
                                     "verb_id = $3",
                                     {org, p.id, kVoided}));
      voided = voider.has_value();
    }

    TRV_ASSIGN(auto inserted,
               tx.one("INSERT INTO lrs_statements (organisation_id, id, verb_id, registration, target_id, stored_ms, "
                      "voided, client_id, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING "
                      "RETURNING seq",
                      {org, p.id, p.verb, p.registration, p.target, now, voided, client_id, p.body}));
    // Only a concurrent writer of the same id gets here (PostgreSQL).
    if (!inserted) return fail(ErrorKind::Conflict, "The statement " + p.id + " was stored meanwhile; send it again.");
    const int64_t seq = inserted->i64(0);
    for (const auto& [key, direct] : agents) {
      TRV_TRY(
          tx.exec("INSERT INTO lrs_statement_agents (organisation_id, agent_key, seq, direct) VALUES ($1, $2, $3, "
                  "$4) ON CONFLICT DO NOTHING",
                  {org, key, seq, direct}));
    }
    for (const auto& [id, direct] : activities) {
      TRV_TRY(
          tx.exec("INSERT INTO lrs_statement_activities (organisation_id, activity_id, seq, direct) VALUES ($1, "
                  "$2, $3, $4) ON CONFLICT DO NOTHING",
                  {org, id, seq, direct}));
    }
    // Attachments: bytes kept once per hash.
    for (const auto& [sha2, content_type] : p.attachments) {
      auto bytes = attachments.find(sha2);
      if (bytes == attachments.end()) continue;
      TRV_TRY(
          tx.exec("INSERT INTO lrs_attachments (organisation_id, sha2, content_type, length, content_base64) "
                  "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organisation_id, sha2) DO NOTHING",
                  {org, sha2, content_type, static_cast<int64_t>(bytes->second.size()), base64_encode(bytes->second)}));
    }
    // The Activities resource's canonical definitions, and the Agents
    // resource's names: written only when they change.
    if (!p.activity_id.empty()) {
      const std::string key = cache_key(org, p.activity_id);
      if (!cache.known_definition(key, p.definition_text)) {
        TRV_ASSIGN(auto row, tx.one("SELECT definition FROM lrs_activities WHERE organisation_id = $1 AND "
                                    "activity_id = $2",
                                    {org, p.activity_id}));
        bj::object canonical;
        if (row) {
          auto old = bj::parse(row->text(0));
          if (old.is_object()) canonical = old.get_object();
        }
        merge_definition(canonical, p.definition);
        TRV_TRY(
            tx.exec("INSERT INTO lrs_activities (organisation_id, activity_id, definition, updated_ms) VALUES "
                    "($1, $2, $3, $4) ON CONFLICT (organisation_id, activity_id) DO UPDATE SET definition = "
                    "excluded.definition, updated_ms = excluded.updated_ms",
                    {org, p.activity_id, bj::serialize(canonical), now}));
        cache.definition_written(key, p.definition_text);
      }
    }
    if (!p.agent_key.empty()) {
      const std::string key = cache_key(org, p.agent_key);
      if (!cache.known_agent(key, p.agent_text)) {
        TRV_TRY(
            tx.exec("INSERT INTO lrs_agents (organisation_id, agent_key, agent, updated_ms) VALUES ($1, $2, $3, "
                    "$4) ON CONFLICT (organisation_id, agent_key) DO UPDATE SET agent = excluded.agent, "
                    "updated_ms = excluded.updated_ms",
                    {org, p.agent_key, p.agent_text, now}));
        cache.agent_written(key, p.agent_text);
      }
    }
  }
  return ids;
}

void Service::Impl::commit_cache(const PendingDefinitions& pending) {
  std::lock_guard lock(mu);
  // Bounded: forgetting costs one read per activity or agent, no more.
  if (known_definitions.size() > 100000) known_definitions.clear();
  if (known_agents.size() > 100000) known_agents.clear();
  for (const auto& [k, v] : pending.definitions) known_definitions[k] = v;
  for (const auto& [k, v] : pending.agents) known_agents[k] = v;
}

Result<std::vector<std::string>> Service::Impl::write_statements(
    const std::string& org, const Authority& authority, std::vector<bj::object> statements,
    const std::map<std::string, std::string_view>& attachments, xapi::Version version) {
  // Everything but SQL happens here, on the request's thread: the store's
  // writer runs only the inserts.
  std::vector<PreparedStatement> prepared = prepare(authority, statements, version);
  std::vector<std::string> ids;
  PendingDefinitions pending;
  auto written = store.write([&](db::Tx& tx) -> Result<void> {
    // A retried transaction starts again from what is known to be stored.
    pending.clear();
    DefinitionCache cache(*this, pending);
    TRV_ASSIGN(ids, apply(tx, org, authority.client_id, statements, prepared, attachments, cache));
    return ok();
  });
  if (!written) return written.failure();
  commit_cache(pending);
  return ids;
}

Result<std::vector<std::string>> Service::record(db::Tx& tx, const std::vector<Event>& events) {
  Impl& im = *impl_;
  std::vector<std::string> all_ids;
  const Authority authority{"", im.trivium_authority()};
  // The caller's transaction may still fail after this: nothing is added to
  // the caches, so the next writer checks the tables again.
  PendingDefinitions discarded;
  for (const Event& ev : events) {
    auto parsed = json::parse_object(ev.statement_json);
    if (!parsed) return parsed.failure();
    TRV_ASSIGN(bj::object checked, xapi::check_statement(*parsed, xapi::Version::V2_0));
    std::vector<bj::object> one{std::move(checked)};
    std::vector<PreparedStatement> prepared = im.prepare(authority, one, xapi::Version::V2_0);
    DefinitionCache cache(im, discarded);
    TRV_ASSIGN(auto ids, im.apply(tx, ev.organisation_id, "", one, prepared, {}, cache));
    all_ids.insert(all_ids.end(), ids.begin(), ids.end());
  }
  return all_ids;
}

}  // namespace trivium::lrs
