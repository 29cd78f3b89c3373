// check_statement: one walk over a statement as a client sent it, refusing
// what xAPI's data model (1.0.x or 2.0) forbids, then one copy holding the
// single normalisation an LRS owes (contextActivities values as arrays).
#include "xapi/statement.h"

namespace trivium::xapi {

namespace detail {

namespace {

enum class ObjectKind { Activity, Agent, Group, StatementRef, SubStatement };

class Checker {
 public:
  explicit Checker(Version version) : version_(version) {}

  bool statement(const bj::value& v, const Path& at, bool sub);
  const std::string& detail() const { return problems_.detail(); }
  // Whether some contextActivities value was a single Activity.
  bool needs_normalising() const { return single_context_activity_; }

 private:
  bool fail(const Path& at, std::string_view reason) { return problems_.fail(at, reason); }
  bool verb(const bj::value& v, const Path& at, bool& voiding);
  bool object(const bj::value& v, const Path& at, bool sub, ObjectKind kind);
  bool statement_ref(const bj::value& v, const Path& at);
  bool result(const bj::value& v, const Path& at);
  bool score(const bj::value& v, const Path& at);
  bool context(const bj::value& v, const Path& at, ObjectKind object_kind);
  bool context_activities(const bj::value& v, const Path& at);
  bool context_actors(const bj::value& v, const Path& at, bool groups);
  bool attachments(const bj::value& v, const Path& at);
  bool timestamp(const bj::value& v, const Path& at);
  bool uuid(const bj::value& v, const Path& at);
  bool string(const bj::value& v, const Path& at);
  bool actor(const bj::value& v, const Path& at, Expect expect) {
    return check_actor(v, at, expect, problems_).has_value();
  }

  Version version_;
  Problems problems_;
  bool single_context_activity_ = false;
};

// The kind an object declares; Activity when it declares none. A value that
// is not an object, or an unknown objectType, is reported by object().
ObjectKind declared_kind(const bj::value* v) {
  if (v == nullptr || !v->is_object()) return ObjectKind::Activity;
  const bj::value* type = v->get_object().if_contains("objectType");
  if (type == nullptr || !type->is_string()) return ObjectKind::Activity;
  std::string_view t = type->get_string();
  if (t == "Agent") return ObjectKind::Agent;
  if (t == "Group") return ObjectKind::Group;
  if (t == "StatementRef") return ObjectKind::StatementRef;
  if (t == "SubStatement") return ObjectKind::SubStatement;
  return ObjectKind::Activity;
}

bool Checker::statement(const bj::value& v, const Path& at, bool sub) {
  if (!v.is_object()) return fail(at, type_reason(v, sub ? "a SubStatement object" : "a JSON object"));
  const bj::object& o = v.get_object();
  // The object's kind decides context rules, whatever the key order.
  const bj::value* object_value = o.if_contains("object");
  const ObjectKind kind = declared_kind(object_value);
  bool has_actor = false, has_verb = false, voiding = false, has_type = false;
  for (const auto& kv : o) {
    std::string_view k = kv.key();
    const bj::value& val = kv.value();
    const Path p = at.child(k);
    if (k == "actor") {
      if (!actor(val, p, Expect::AgentOrGroup)) return false;
      has_actor = true;
    } else if (k == "verb") {
      if (!verb(val, p, voiding)) return false;
      has_verb = true;
    } else if (k == "object") {
      if (!object(val, p, sub, kind)) return false;
    } else if (k == "result") {
      if (!result(val, p)) return false;
    } else if (k == "context") {
      if (!context(val, p, kind)) return false;
    } else if (k == "timestamp") {
      if (!timestamp(val, p)) return false;
    } else if (k == "attachments") {
      if (!attachments(val, p)) return false;
    } else if (sub) {
      if (k == "objectType") {
        if (!val.is_string() || val.get_string() != "SubStatement") return fail(p, "must be \"SubStatement\"");
        has_type = true;
      } else if (k == "id" || k == "stored" || k == "version" || k == "authority") {
        return fail(p, "is not allowed in a SubStatement");
      } else {
        return fail(p, "is not a property of a SubStatement");
      }
    } else if (k == "id") {
      if (!uuid(val, p)) return false;
    } else if (k == "stored") {
      if (!timestamp(val, p)) return false;
    } else if (k == "authority") {
      auto actor_kind = check_actor(val, p, Expect::AgentOrGroup, problems_);
      if (!actor_kind) return false;
      // Only three-legged OAuth makes a Group authority: the application and
      // the user, as an anonymous group of two.
      if (*actor_kind != ActorKind::Agent) {
        const bj::value* members = val.get_object().if_contains("member");
        if (*actor_kind == ActorKind::IdentifiedGroup || members == nullptr || members->get_array().size() != 2) {
          return fail(p, "a Group authority must be an anonymous Group of exactly two Agents");
        }
      }
    } else if (k == "version") {
      if (!val.is_string()) return fail(p, type_reason(val, "a string"));
      if (!valid_version_property(val.get_string(), version_)) {
        return fail(p, version_ == Version::V2_0 ? "must be \"1.0\", \"1.0.x\", \"2.0\" or \"2.0.x\""
                                                 : "must be \"1.0\" or \"1.0.x\"");
      }
    } else {
      return fail(p, "is not a property of a Statement");
    }
  }
  if (!has_actor) return fail(at.child("actor"), "is required");
  if (!has_verb) return fail(at.child("verb"), "is required");
  if (object_value == nullptr) return fail(at.child("object"), "is required");
  if (sub && !has_type) return fail(at.child("objectType"), "is required (\"SubStatement\")");
  if (voiding && !sub && kind != ObjectKind::StatementRef) {
    return fail(at.child("object"), "a voiding statement's object must be a StatementRef");
  }
  return true;
}

bool Checker::verb(const bj::value& v, const Path& at, bool& voiding) {
  if (!v.is_object()) return fail(at, type_reason(v, "a Verb object"));
  bool has_id = false;
  for (const auto& kv : v.get_object()) {
    const Path p = at.child(kv.key());
    if (kv.key() == "id") {
      if (!check_iri_value(kv.value(), p, problems_)) return false;
      voiding = kv.value().get_string() == kVoidedVerb;
      has_id = true;
    } else if (kv.key() == "display") {
      if (!check_language_map(kv.value(), p, problems_)) return false;
    } else {
      return fail(p, "is not a property of a Verb");
    }
  }
  if (!has_id) return fail(at.child("id"), "is required");
  return true;
}

bool Checker::object(const bj::value& v, const Path& at, bool sub, ObjectKind kind) {
  if (!v.is_object()) return fail(at, type_reason(v, "an object"));
  if (const bj::value* type = v.get_object().if_contains("objectType")) {
    const Path p = at.child("objectType");
    if (!type->is_string()) return fail(p, type_reason(*type, "a string"));
    std::string_view t = type->get_string();
    if (t != "Activity" && t != "Agent" && t != "Group" && t != "StatementRef" && t != "SubStatement") {
      return fail(p, "must be Activity, Agent, Group, StatementRef or SubStatement");
    }
  }
  switch (kind) {
    case ObjectKind::Activity: return check_activity(v, at, problems_);
    case ObjectKind::Agent:
    case ObjectKind::Group: return actor(v, at, Expect::AgentOrGroup);
    case ObjectKind::StatementRef: return statement_ref(v, at);
    case ObjectKind::SubStatement:
      if (sub) return fail(at, "a SubStatement cannot hold another SubStatement");
      return statement(v, at, true);
  }
  return false;
}

bool Checker::statement_ref(const bj::value& v, const Path& at) {
  if (!v.is_object()) return fail(at, type_reason(v, "a StatementRef object"));
  bool has_id = false, has_type = false;
  for (const auto& kv : v.get_object()) {
    const Path p = at.child(kv.key());
    if (kv.key() == "objectType") {
      if (!kv.value().is_string() || kv.value().get_string() != "StatementRef") {
        return fail(p, "must be \"StatementRef\"");
      }
      has_type = true;
    } else if (kv.key() == "id") {
      if (!uuid(kv.value(), p)) return false;
      has_id = true;
    } else {
      return fail(p, "is not a property of a StatementRef");
    }
  }
  if (!has_type) return fail(at.child("objectType"), "is required (\"StatementRef\")");
  if (!has_id) return fail(at.child("id"), "is required");
  return true;
}

bool Checker::result(const bj::value& v, const Path& at) {
  if (!v.is_object()) return fail(at, type_reason(v, "a Result object"));
  for (const auto& kv : v.get_object()) {
    std::string_view k = kv.key();
    const bj::value& val = kv.value();
    const Path p = at.child(k);
    if (k == "score") {
      if (!score(val, p)) return false;
    } else if (k == "success" || k == "completion") {
      if (!val.is_bool()) return fail(p, type_reason(val, "true or false"));
    } else if (k == "response") {
      if (!string(val, p)) return false;
    } else if (k == "duration") {
      if (!val.is_string()) return fail(p, type_reason(val, "an ISO 8601 duration string"));
      if (!valid_duration(val.get_string())) return fail(p, "must be an ISO 8601 duration such as \"PT1H30M5.25S\"");
    } else if (k == "extensions") {
      if (!check_extensions(val, p, problems_)) return false;
    } else {
      return fail(p, "is not a property of a Result");
    }
  }
  return true;
}

bool Checker::score(const bj::value& v, const Path& at) {
  if (!v.is_object()) return fail(at, type_reason(v, "a Score object"));
  std::optional<double> scaled, raw, min, max;
  for (const auto& kv : v.get_object()) {
    std::string_view k = kv.key();
    const Path p = at.child(k);
    if (k != "scaled" && k != "raw" && k != "min" && k != "max") return fail(p, "is not a property of a Score");
    if (!kv.value().is_number()) return fail(p, type_reason(kv.value(), "a number"));
    double n = kv.value().to_number<double>();
    (k == "scaled" ? scaled : k == "raw" ? raw : k == "min" ? min : max) = n;
  }
  if (scaled && (*scaled < -1.0 || *scaled > 1.0)) return fail(at.child("scaled"), "must be between -1 and 1");
  if (min && max && !(*min < *max)) return fail(at.child("min"), "must be less than max");
  if (raw && min && *raw < *min) return fail(at.child("raw"), "must not be less than min");
  if (raw && max && *raw > *max) return fail(at.child("raw"), "must not be greater than max");
  return true;
}

bool Checker::context(const bj::value& v, const Path& at, ObjectKind object_kind) {
  if (!v.is_object()) return fail(at, type_reason(v, "a Context object"));
  for (const auto& kv : v.get_object()) {
    std::string_view k = kv.key();
    const bj::value& val = kv.value();
    const Path p = at.child(k);
    if (k == "registration") {
      if (!uuid(val, p)) return false;
    } else if (k == "instructor") {
      if (!actor(val, p, Expect::AgentOrGroup)) return false;
    } else if (k == "team") {
      if (!actor(val, p, Expect::Group)) return false;
    } else if (k == "contextActivities") {
      if (!context_activities(val, p)) return false;
    } else if (k == "revision" || k == "platform") {
      if (!string(val, p)) return false;
      if (object_kind != ObjectKind::Activity)
        return fail(p, "is only allowed when the statement's object is an Activity");
    } else if (k == "language") {
      if (!val.is_string()) return fail(p, type_reason(val, "a string"));
      if (!valid_language_tag(val.get_string())) return fail(p, "must be an RFC 5646 language tag");
    } else if (k == "statement") {
      if (!statement_ref(val, p)) return false;
    } else if (k == "extensions") {
      if (!check_extensions(val, p, problems_)) return false;
    } else if (k == "contextAgents" || k == "contextGroups") {
      if (version_ != Version::V2_0) return fail(p, "is not a property of a Context in xAPI 1.0 (it came with 2.0)");
      if (!context_actors(val, p, k == "contextGroups")) return false;
    } else {
      return fail(p, "is not a property of a Context");
    }
  }
  return true;
}

bool Checker::context_activities(const bj::value& v, const Path& at) {
  if (!v.is_object()) return fail(at, type_reason(v, "an object"));
  if (v.get_object().empty()) return fail(at, "must hold at least one of parent, grouping, category, other");
  for (const auto& kv : v.get_object()) {
    std::string_view k = kv.key();
    const Path p = at.child(k);
    if (k != "parent" && k != "grouping" && k != "category" && k != "other") {
      return fail(p, "is not a kind of context activity (parent, grouping, category, other)");
    }
    if (kv.value().is_object()) {
      // Allowed for compatibility with 0.95; stored as an array of one.
      if (!check_activity(kv.value(), p, problems_)) return false;
      single_context_activity_ = true;
      continue;
    }
    if (!kv.value().is_array()) return fail(p, type_reason(kv.value(), "an Activity or an array of Activities"));
    const bj::array& list = kv.value().get_array();
    for (size_t i = 0; i < list.size(); ++i) {
      const Path item = p.at(i);
      if (!check_activity(list[i], item, problems_)) return false;
    }
  }
  return true;
}

bool Checker::context_actors(const bj::value& v, const Path& at, bool groups) {
  const std::string_view type_name = groups ? "contextGroup" : "contextAgent";
  const std::string_view member_key = groups ? "group" : "agent";
  if (!v.is_array())
    return fail(at, type_reason(v, groups ? "an array of contextGroup objects" : "an array of contextAgent objects"));
  const bj::array& list = v.get_array();
  for (size_t i = 0; i < list.size(); ++i) {
    const Path item = at.at(i);
    if (!list[i].is_object()) return fail(item, type_reason(list[i], "an object"));
    bool has_type = false, has_member = false;
    for (const auto& kv : list[i].get_object()) {
      std::string_view k = kv.key();
      const Path p = item.child(k);
      if (k == "objectType") {
        if (!kv.value().is_string() || kv.value().get_string() != type_name) {
          std::string reason = "must be \"";
          reason += type_name;
          reason += '"';
          return fail(p, reason);
        }
        has_type = true;
      } else if (k == member_key) {
        if (!actor(kv.value(), p, groups ? Expect::Group : Expect::Agent)) return false;
        has_member = true;
      } else if (k == "relevantTypes") {
        if (!kv.value().is_array()) return fail(p, type_reason(kv.value(), "an array of IRIs"));
        const bj::array& types = kv.value().get_array();
        if (types.empty()) return fail(p, "must hold at least one IRI when present");
        for (size_t j = 0; j < types.size(); ++j) {
          const Path tp = p.at(j);
          if (!check_iri_value(types[j], tp, problems_)) return false;
        }
      } else {
        std::string reason = "is not a property of a ";
        reason += type_name;
        return fail(p, reason);
      }
    }
    if (!has_type)
      return fail(item.child("objectType"),
                  groups ? "is required (\"contextGroup\")" : "is required (\"contextAgent\")");
    if (!has_member) return fail(item.child(member_key), "is required");
  }
  return true;
}

bool Checker::attachments(const bj::value& v, const Path& at) {
  if (!v.is_array()) return fail(at, type_reason(v, "an array of Attachment objects"));
  const bj::array& list = v.get_array();
  for (size_t i = 0; i < list.size(); ++i) {
    const Path item = at.at(i);
    if (!list[i].is_object()) return fail(item, type_reason(list[i], "an Attachment object"));
    const bj::object& a = list[i].get_object();
    bool usage = false, display = false, content_type = false, length = false, sha2 = false, signature = false;
    for (const auto& kv : a) {
      std::string_view k = kv.key();
      const bj::value& val = kv.value();
      const Path p = item.child(k);
      if (k == "usageType") {
        if (!check_iri_value(val, p, problems_)) return false;
        usage = true;
        signature = val.get_string() == kSignatureUsageType;
      } else if (k == "display" || k == "description") {
        if (!check_language_map(val, p, problems_)) return false;
        display = display || k == "display";
      } else if (k == "contentType") {
        if (!val.is_string()) return fail(p, type_reason(val, "an Internet media type string"));
        if (!valid_media_type(val.get_string()))
          return fail(p, "must be an Internet media type such as \"text/plain\"");
        content_type = true;
      } else if (k == "length") {
        if (!(val.is_int64() && val.get_int64() >= 0) && !val.is_uint64()) {
          return fail(p, val.is_null() ? "must not be null" : "must be a whole number of octets, 0 or more");
        }
        length = true;
      } else if (k == "sha2") {
        if (!val.is_string()) return fail(p, type_reason(val, "a hex string"));
        if (!valid_sha2_hex(val.get_string())) return fail(p, "must be a SHA-2 digest in hex (64, 96 or 128 digits)");
        sha2 = true;
      } else if (k == "fileUrl") {
        if (!check_iri_value(val, p, problems_)) return false;
      } else {
        return fail(p, "is not a property of an Attachment");
      }
    }
    if (!usage) return fail(item.child("usageType"), "is required");
    if (!display) return fail(item.child("display"), "is required");
    if (!content_type) return fail(item.child("contentType"), "is required");
    if (!length) return fail(item.child("length"), "is required");
    if (!sha2) return fail(item.child("sha2"), "is required");
    if (signature) {
      std::string_view type = a.at("contentType").get_string();
      type = type.substr(0, type.find(';'));
      while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
      if (!iequals(type, "application/octet-stream")) {
        return fail(item.child("contentType"), "a signature attachment must be application/octet-stream");
      }
    }
  }
  return true;
}

bool Checker::timestamp(const bj::value& v, const Path& at) {
  if (!v.is_string()) return fail(at, type_reason(v, "a timestamp string"));
  if (parse_timestamp(v.get_string(), version_ == Version::V2_0)) return true;
  return fail(at, version_ == Version::V2_0
                      ? "must be an RFC 3339 timestamp with a time zone, such as \"2026-03-01T10:15:00.250Z\""
                      : "must be an ISO 8601 timestamp with a time zone, such as \"2026-03-01T10:15:00.250Z\"");
}

bool Checker::uuid(const bj::value& v, const Path& at) {
  if (!v.is_string()) return fail(at, type_reason(v, "a UUID string"));
  if (!valid_uuid(v.get_string()))
    return fail(at, "must be a UUID (RFC 4122, such as \"e05aa883-acaf-40ad-bf54-02c8ce485fb0\")");
  return true;
}

bool Checker::string(const bj::value& v, const Path& at) {
  if (!v.is_string()) return fail(at, type_reason(v, "a string"));
  return true;
}

// The copy's contextActivities values, each made an array.
void normalise_context(bj::object& statement) {
  auto normalise = [](bj::value* context) {
    if (context == nullptr || !context->is_object()) return;
    bj::value* activities = context->get_object().if_contains("contextActivities");
    if (activities == nullptr || !activities->is_object()) return;
    for (auto& kv : activities->get_object()) {
      if (!kv.value().is_object()) continue;
      bj::array one(kv.value().storage());
      one.push_back(std::move(kv.value()));
      kv.value() = std::move(one);
    }
  };
  normalise(statement.if_contains("context"));
  bj::value* object = statement.if_contains("object");
  if (object != nullptr && object->is_object()) normalise(object->get_object().if_contains("context"));
}

}  // namespace

}  // namespace detail

Result<boost::json::object> check_statement(const boost::json::value& statement, Version version) {
  detail::Checker checker(version);
  const detail::Path root{};
  if (!checker.statement(statement, root, false)) return fail(ErrorKind::BadRequest, checker.detail());
  boost::json::object out = statement.get_object();
  if (checker.needs_normalising()) detail::normalise_context(out);
  return out;
}

Result<boost::json::object> check_statement(boost::json::value&& statement, Version version) {
  detail::Checker checker(version);
  const detail::Path root{};
  if (!checker.statement(statement, root, false)) return fail(ErrorKind::BadRequest, checker.detail());
  boost::json::object out = std::move(statement.get_object());
  if (checker.needs_normalising()) detail::normalise_context(out);
  return out;
}

}  // namespace trivium::xapi
