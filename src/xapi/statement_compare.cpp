// same_statement: both statements are rewritten into a comparison form that
// drops or normalises what xAPI's immutability exceptions allow to differ,
// then compared as JSON values (Boost.JSON compares objects without regard to
// key order). Only used on an id conflict or a signature, so clarity wins
// over speed here.
#include <algorithm>

#include "xapi/statement.h"

namespace trivium::xapi::detail {

namespace {

bj::value canon_generic(const bj::value& v);

// Numbers compare by value: 1, 1.0 and 1e0 are the same number.
bj::value canon_number(const bj::value& v) {
  return bj::value(v.to_number<double>());
}

bj::value canon_generic(const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::int64:
    case bj::kind::uint64:
    case bj::kind::double_: return canon_number(v);
    case bj::kind::array: {
      bj::array out;
      for (const auto& item : v.get_array()) out.push_back(canon_generic(item));
      return out;
    }
    case bj::kind::object: {
      bj::object out;
      for (const auto& kv : v.get_object()) out[kv.key()] = canon_generic(kv.value());
      return out;
    }
    default: return v;
  }
}

bj::value lower_string(const bj::value& v) {
  if (!v.is_string()) return canon_generic(v);
  return bj::value(to_lower(v.get_string()));
}

// Language tags are case-insensitive.
bj::value canon_language_map(const bj::value& v) {
  if (!v.is_object()) return canon_generic(v);
  bj::object out;
  for (const auto& kv : v.get_object()) out[to_lower(kv.key())] = kv.value();
  return out;
}

bj::value canon_actor(const bj::value& v) {
  if (!v.is_object()) return canon_generic(v);
  bj::object out;
  for (const auto& kv : v.get_object()) {
    std::string_view k = kv.key();
    const bj::value& val = kv.value();
    if (k == "objectType" && val.is_string() && val.get_string() == "Agent") continue;  // the default
    if (k == "mbox" && val.is_string()) {
      std::string_view m = val.get_string();
      size_t at = m.rfind('@');
      out[k] =
          at == std::string_view::npos ? std::string(m) : std::string(m.substr(0, at + 1)) + to_lower(m.substr(at + 1));
    } else if (k == "mbox_sha1sum") {
      out[k] = lower_string(val);
    } else if (k == "member" && val.is_array()) {
      // Members are an unordered list: compare them sorted.
      std::vector<std::pair<std::string, bj::value>> members;
      for (const auto& m : val.get_array()) {
        bj::value c = canon_actor(m);
        members.emplace_back(bj::serialize(c), std::move(c));
      }
      std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      bj::array sorted;
      for (auto& m : members) sorted.push_back(std::move(m.second));
      out[k] = std::move(sorted);
    } else {
      out[k] = canon_generic(val);
    }
  }
  return out;
}

// An activity is its id: its definition is metadata, not part of the
// statement (immutability exception), and objectType "Activity" the default.
bj::value canon_activity(const bj::value& v) {
  if (!v.is_object()) return canon_generic(v);
  bj::object out;
  for (const auto& kv : v.get_object()) {
    if (kv.key() == "definition") continue;
    if (kv.key() == "objectType" && kv.value().is_string() && kv.value().get_string() == "Activity") continue;
    out[kv.key()] = canon_generic(kv.value());
  }
  return out;
}

bj::value canon_statement_ref(const bj::value& v) {
  if (!v.is_object()) return canon_generic(v);
  bj::object out;
  for (const auto& kv : v.get_object())
    out[kv.key()] = kv.key() == "id" ? lower_string(kv.value()) : canon_generic(kv.value());
  return out;
}

// Durations compare as strings, but not beyond hundredths of a second
// (xAPI: more precision "SHOULD* NOT be included in the comparison").
bj::value canon_duration(const bj::value& v) {
  if (!v.is_string()) return canon_generic(v);
  std::string d(v.get_string());
  if (d.empty() || d.back() != 'S') return bj::value(d);
  size_t dot = d.find_last_of(".,");
  size_t unit_start = d.find_last_not_of("0123456789.,", d.size() - 2);
  if (dot == std::string::npos || unit_start == std::string::npos || dot < unit_start) return bj::value(d);
  std::string whole = d.substr(0, dot);
  std::string fraction = d.substr(dot + 1, std::min<size_t>(2, d.size() - 2 - dot));
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  return bj::value(fraction.empty() ? whole + "S" : whole + "." + fraction + "S");
}

bj::value canon_timestamp(const bj::value& v) {
  if (!v.is_string()) return canon_generic(v);
  if (auto ms = parse_timestamp(v.get_string(), false)) return bj::value(*ms);
  return v;
}

bj::value canon_context_actors(const bj::value& v) {
  if (!v.is_array()) return canon_generic(v);
  bj::array out;
  for (const auto& item : v.get_array()) {
    if (!item.is_object()) {
      out.push_back(canon_generic(item));
      continue;
    }
    bj::object c;
    for (const auto& kv : item.get_object()) {
      bool actor = kv.key() == "agent" || kv.key() == "group";
      c[kv.key()] = actor ? canon_actor(kv.value()) : canon_generic(kv.value());
    }
    out.push_back(std::move(c));
  }
  return out;
}

bj::value canon_context(const bj::value& v) {
  if (!v.is_object()) return canon_generic(v);
  bj::object out;
  for (const auto& kv : v.get_object()) {
    std::string_view k = kv.key();
    const bj::value& val = kv.value();
    if (k == "registration") {
      out[k] = lower_string(val);
    } else if (k == "instructor" || k == "team") {
      out[k] = canon_actor(val);
    } else if (k == "statement") {
      out[k] = canon_statement_ref(val);
    } else if (k == "language") {
      out[k] = lower_string(val);
    } else if (k == "contextAgents" || k == "contextGroups") {
      out[k] = canon_context_actors(val);
    } else if (k == "contextActivities" && val.is_object()) {
      bj::object activities;
      for (const auto& entry : val.get_object()) {
        bj::array list;
        if (entry.value().is_array()) {
          for (const auto& a : entry.value().get_array()) list.push_back(canon_activity(a));
        } else {
          list.push_back(canon_activity(entry.value()));  // one Activity is an array of one
        }
        activities[entry.key()] = std::move(list);
      }
      out[k] = std::move(activities);
    } else {
      out[k] = canon_generic(val);
    }
  }
  return out;
}

bj::value canon_attachments(const bj::value& v) {
  if (!v.is_array()) return canon_generic(v);
  bj::array out;
  for (const auto& item : v.get_array()) {
    if (!item.is_object()) {
      out.push_back(canon_generic(item));
      continue;
    }
    bj::object a;
    for (const auto& kv : item.get_object()) {
      std::string_view k = kv.key();
      if (k == "sha2") {
        a[k] = lower_string(kv.value());
      } else if (k == "display" || k == "description") {
        a[k] = canon_language_map(kv.value());
      } else {
        a[k] = canon_generic(kv.value());
      }
    }
    out.push_back(std::move(a));
  }
  return out;
}

bj::value canon_result(const bj::value& v) {
  if (!v.is_object()) return canon_generic(v);
  bj::object out;
  for (const auto& kv : v.get_object()) {
    out[kv.key()] = kv.key() == "duration" ? canon_duration(kv.value()) : canon_generic(kv.value());
  }
  return out;
}

bj::object canon_statement(const bj::object& st, bool top) {
  bj::object out;
  for (const auto& kv : st) {
    std::string_view k = kv.key();
    const bj::value& val = kv.value();
    // Set or overwritten by the LRS: never part of the comparison.
    if (top && (k == "authority" || k == "stored" || k == "version")) continue;
    if (k == "id") {
      out[k] = lower_string(val);
    } else if (k == "actor") {
      out[k] = canon_actor(val);
    } else if (k == "verb") {
      // The verb's display is not part of the statement.
      bj::object verb;
      if (val.is_object()) {
        if (const bj::value* id = val.get_object().if_contains("id")) verb["id"] = *id;
      }
      out[k] = std::move(verb);
    } else if (k == "object") {
      std::string_view type;
      if (val.is_object()) {
        const bj::value* t = val.get_object().if_contains("objectType");
        if (t != nullptr && t->is_string()) type = t->get_string();
      }
      if (type.empty() || type == "Activity") {
        out[k] = canon_activity(val);
      } else if (type == "Agent" || type == "Group") {
        out[k] = canon_actor(val);
      } else if (type == "StatementRef") {
        out[k] = canon_statement_ref(val);
      } else if (type == "SubStatement" && val.is_object()) {
        out[k] = canon_statement(val.get_object(), false);
      } else {
        out[k] = canon_generic(val);
      }
    } else if (k == "result") {
      out[k] = canon_result(val);
    } else if (k == "context") {
      out[k] = canon_context(val);
    } else if (k == "timestamp") {
      out[k] = canon_timestamp(val);
    } else if (k == "attachments") {
      out[k] = canon_attachments(val);
    } else {
      out[k] = canon_generic(val);
    }
  }
  return out;
}

}  // namespace

}  // namespace trivium::xapi::detail

namespace trivium::xapi {

bool same_statement(const boost::json::object& a, const boost::json::object& b) {
  boost::json::object ca = detail::canon_statement(a, true);
  boost::json::object cb = detail::canon_statement(b, true);
  // The LRS assigns an id and a timestamp when the client gave none.
  for (std::string_view k : {"id", "timestamp"}) {
    if (ca.contains(k) != cb.contains(k)) {
      ca.erase(k);
      cb.erase(k);
    }
  }
  return ca == cb;
}

}  // namespace trivium::xapi
