// Versions, the `format` parameter of GET /statements and Accept-Language.
#include <algorithm>
#include <cctype>

#include "xapi/statement.h"

namespace trivium::xapi {

namespace {

namespace bj = boost::json;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool version_family(std::string_view s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  std::string_view patch = s.substr(prefix.size());
  if (patch.empty()) return true;
  if (patch[0] != '.' || patch.size() == 1 || patch.size() > 10) return false;
  return std::all_of(patch.begin() + 1, patch.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// ---- ids ----

const std::string_view kIdentifierKeys[] = {"mbox", "mbox_sha1sum", "openid", "account"};

// An Agent or Group reduced to what identifies it.
void reduce_actor(bj::value& v) {
  if (!v.is_object()) return;
  bj::object& o = v.get_object();
  bj::object out(o.storage());
  if (const bj::value* type = o.if_contains("objectType")) out["objectType"] = *type;
  bool identified = false;
  for (std::string_view k : kIdentifierKeys) {
    if (const bj::value* id = o.if_contains(k)) {
      out[k] = *id;
      identified = true;
      break;
    }
  }
  if (!identified) {
    // An anonymous group is identified by its members only.
    if (bj::value* members = o.if_contains("member"); members != nullptr && members->is_array()) {
      for (bj::value& m : members->get_array()) reduce_actor(m);
      out["member"] = std::move(*members);
    }
  }
  o = std::move(out);
}

void reduce_activity(bj::value& v) {
  if (!v.is_object()) return;
  bj::object& o = v.get_object();
  bj::object out(o.storage());
  if (const bj::value* type = o.if_contains("objectType")) out["objectType"] = *type;
  if (const bj::value* id = o.if_contains("id")) out["id"] = *id;
  o = std::move(out);
}

// Calls `fn` on every Activity of a context's contextActivities.
template <typename Fn>
void each_context_activity(bj::object& context, Fn fn) {
  bj::value* activities = context.if_contains("contextActivities");
  if (activities == nullptr || !activities->is_object()) return;
  for (auto& kv : activities->get_object()) {
    if (kv.value().is_array()) {
      for (bj::value& a : kv.value().get_array()) fn(a);
    } else {
      fn(kv.value());
    }
  }
}

std::string_view object_type(const bj::value& v) {
  if (!v.is_object()) return {};
  const bj::value* t = v.get_object().if_contains("objectType");
  return t != nullptr && t->is_string() ? std::string_view(t->get_string()) : std::string_view();
}

void ids_statement(bj::object& st) {
  if (bj::value* actor = st.if_contains("actor")) reduce_actor(*actor);
  if (bj::value* authority = st.if_contains("authority")) reduce_actor(*authority);
  if (bj::value* verb = st.if_contains("verb"); verb != nullptr && verb->is_object()) {
    bj::object& o = verb->get_object();
    bj::object out(o.storage());
    if (const bj::value* id = o.if_contains("id")) out["id"] = *id;
    o = std::move(out);
  }
  if (bj::value* object = st.if_contains("object"); object != nullptr && object->is_object()) {
    std::string_view type = object_type(*object);
    if (type.empty() || type == "Activity") {
      reduce_activity(*object);
    } else if (type == "Agent" || type == "Group") {
      reduce_actor(*object);
    } else if (type == "SubStatement") {
      ids_statement(object->get_object());
    }
  }
  if (bj::value* context = st.if_contains("context"); context != nullptr && context->is_object()) {
    bj::object& c = context->get_object();
    if (bj::value* v = c.if_contains("instructor")) reduce_actor(*v);
    if (bj::value* v = c.if_contains("team")) reduce_actor(*v);
    each_context_activity(c, reduce_activity);
    for (std::string_view list : {std::string_view("contextAgents"), std::string_view("contextGroups")}) {
      bj::value* items = c.if_contains(list);
      if (items == nullptr || !items->is_array()) continue;
      for (bj::value& item : items->get_array()) {
        if (!item.is_object()) continue;
        if (bj::value* a = item.get_object().if_contains("agent")) reduce_actor(*a);
        if (bj::value* g = item.get_object().if_contains("group")) reduce_actor(*g);
      }
    }
  }
}

// ---- canonical ----

bool range_matches_prefix(std::string_view tag, std::string_view range) {
  return tag.size() > range.size() && tag[range.size()] == '-' && detail::iequals(tag.substr(0, range.size()), range);
}

// The key of a language map that best fits the ranges (RFC 4647-style:
// exact, then a more specific tag, then a less specific one), else "und",
// else the first entry.
const bj::key_value_pair* pick_language(const bj::object& map, const std::vector<std::string>& ranges) {
  for (const std::string& range : ranges) {
    if (range == "*") return map.empty() ? nullptr : &*map.begin();
    for (const auto& kv : map)
      if (detail::iequals(kv.key(), range)) return &kv;
    for (const auto& kv : map)
      if (range_matches_prefix(kv.key(), range)) return &kv;
    for (const auto& kv : map)
      if (range_matches_prefix(range, kv.key())) return &kv;
  }
  for (const auto& kv : map)
    if (detail::iequals(kv.key(), "und")) return &kv;
  return map.empty() ? nullptr : &*map.begin();
}

void reduce_language_map(bj::value* v, const std::vector<std::string>& ranges) {
  if (v == nullptr || !v->is_object() || v->get_object().size() <= 1) return;
  bj::object& map = v->get_object();
  const bj::key_value_pair* chosen = pick_language(map, ranges);
  bj::object out(map.storage());
  out[chosen->key()] = chosen->value();
  map = std::move(out);
}

void canonical_activity(bj::value& v, const std::vector<std::string>& ranges) {
  if (!v.is_object()) return;
  bj::value* definition = v.get_object().if_contains("definition");
  if (definition == nullptr || !definition->is_object()) return;
  bj::object& d = definition->get_object();
  reduce_language_map(d.if_contains("name"), ranges);
  reduce_language_map(d.if_contains("description"), ranges);
  for (std::string_view list : {"choices", "scale", "source", "target", "steps"}) {
    bj::value* components = d.if_contains(list);
    if (components == nullptr || !components->is_array()) continue;
    for (bj::value& c : components->get_array())
      if (c.is_object()) reduce_language_map(c.get_object().if_contains("description"), ranges);
  }
}

void canonical_statement(bj::object& st, const std::vector<std::string>& ranges) {
  if (bj::value* verb = st.if_contains("verb"); verb != nullptr && verb->is_object()) {
    reduce_language_map(verb->get_object().if_contains("display"), ranges);
  }
  if (bj::value* object = st.if_contains("object"); object != nullptr && object->is_object()) {
    std::string_view type = object_type(*object);
    if (type.empty() || type == "Activity") {
      canonical_activity(*object, ranges);
    } else if (type == "SubStatement") {
      canonical_statement(object->get_object(), ranges);
    }
  }
  if (bj::value* context = st.if_contains("context"); context != nullptr && context->is_object()) {
    each_context_activity(context->get_object(), [&](bj::value& a) { canonical_activity(a, ranges); });
  }
  if (bj::value* attachments = st.if_contains("attachments"); attachments != nullptr && attachments->is_array()) {
    for (bj::value& a : attachments->get_array()) {
      if (!a.is_object()) continue;
      reduce_language_map(a.get_object().if_contains("display"), ranges);
      reduce_language_map(a.get_object().if_contains("description"), ranges);
    }
  }
}

bool valid_language_range(std::string_view r) {
  if (r == "*") return true;
  size_t len = 0;
  for (size_t i = 0; i <= r.size(); ++i) {
    if (i == r.size() || r[i] == '-') {
      if (len == 0 || len > 8) return false;
      len = 0;
    } else if (std::isalnum(static_cast<unsigned char>(r[i])) == 0) {
      return false;
    } else {
      ++len;
    }
  }
  return true;
}

// "q=0.8" to thousandths; nullopt if malformed.
std::optional<int> parse_q(std::string_view s) {
  s = trim(s);
  if (s.size() < 3 || (s[0] != 'q' && s[0] != 'Q') || s[1] != '=') return std::nullopt;
  std::string_view v = s.substr(2);
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return std::nullopt;
  int whole = v[0] - '0';
  int thousandths = 0;
  if (v.size() > 1) {
    if (v[1] != '.' || v.size() > 5) return std::nullopt;
    int scale = 100;
    for (char c : v.substr(2)) {
      if (c < '0' || c > '9') return std::nullopt;
      thousandths += (c - '0') * scale;
      scale /= 10;
    }
  }
  int q = whole * 1000 + thousandths;
  if (q > 1000) return std::nullopt;
  return q;
}

}  // namespace

std::optional<Version> parse_version(std::string_view header) {
  header = trim(header);
  if (version_family(header, "1.0")) return Version::V1_0;
  if (version_family(header, "2.0")) return Version::V2_0;
  return std::nullopt;
}

std::string_view version_string(Version v) {
  return v == Version::V2_0 ? "2.0.0" : "1.0.3";
}

std::optional<Format> parse_format(std::string_view s) {
  if (s == "exact") return Format::Exact;
  if (s == "ids") return Format::Ids;
  if (s == "canonical") return Format::Canonical;
  return std::nullopt;
}

boost::json::object format_statement(const boost::json::object& stored, Format format,
                                     const std::vector<std::string>& accept_languages) {
  bj::object out = stored;
  if (format == Format::Ids) ids_statement(out);
  if (format == Format::Canonical) canonical_statement(out, accept_languages);
  return out;
}

std::vector<std::string> parse_accept_language(std::string_view header) {
  struct Entry {
    std::string range;
    int q;
  };
  std::vector<Entry> entries;
  size_t start = 0;
  while (start <= header.size() && entries.size() < 32) {
    size_t comma = header.find(',', start);
    std::string_view item =
        header.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    start = comma == std::string_view::npos ? header.size() + 1 : comma + 1;
    size_t semi = item.find(';');
    std::string_view range = trim(item.substr(0, semi));
    int q = 1000;
    if (semi != std::string_view::npos) {
      auto parsed = parse_q(item.substr(semi + 1));
      if (!parsed) continue;
      q = *parsed;
    }
    if (q == 0 || range.empty() || !valid_language_range(range)) continue;
    entries.push_back({std::string(range), q});
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.q > b.q; });
  std::vector<std::string> out;
  out.reserve(entries.size());
  for (auto& e : entries) out.push_back(std::move(e.range));
  return out;
}

}  // namespace trivium::xapi
