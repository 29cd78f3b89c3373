// Activities and their definitions, interaction activities included, and the
// two maps used all over a statement: language maps and extensions.
#include <algorithm>
#include <array>
#include <vector>

#include "xapi/statement.h"

namespace trivium::xapi::detail {

namespace {

// The component lists each interactionType may carry (xAPI "Interaction
// Components"); the types not listed carry none.
struct InteractionType {
  std::string_view name;
  std::array<std::string_view, 2> lists;
};
constexpr std::array<InteractionType, 10> kInteractionTypes = {{
    {"true-false", {}},
    {"choice", {"choices", {}}},
    {"fill-in", {}},
    {"long-fill-in", {}},
    {"matching", {"source", "target"}},
    {"performance", {"steps", {}}},
    {"sequencing", {"choices", {}}},
    {"likert", {"scale", {}}},
    {"numeric", {}},
    {"other", {}},
}};

bool is_component_list(std::string_view k) {
  return k == "choices" || k == "scale" || k == "source" || k == "target" || k == "steps";
}

bool check_components(const bj::value& v, const Path& at, Problems& problems) {
  if (!v.is_array()) return problems.fail(at, type_reason(v, "an array of interaction components"));
  const bj::array& list = v.get_array();
  std::vector<std::string_view> ids;
  ids.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    const Path item = at.at(i);
    if (!list[i].is_object()) return problems.fail(item, type_reason(list[i], "an interaction component object"));
    bool has_id = false;
    for (const auto& kv : list[i].get_object()) {
      const Path p = item.child(kv.key());
      if (kv.key() == "id") {
        if (!kv.value().is_string()) return problems.fail(p, type_reason(kv.value(), "a string"));
        std::string_view id = kv.value().get_string();
        if (std::find(ids.begin(), ids.end(), id) != ids.end()) {
          return problems.fail(p, "repeats an id already used in this list");
        }
        ids.push_back(id);
        has_id = true;
      } else if (kv.key() == "description") {
        if (!check_language_map(kv.value(), p, problems)) return false;
      } else {
        return problems.fail(p, "is not a property of an interaction component");
      }
    }
    if (!has_id) return problems.fail(item.child("id"), "is required");
  }
  return true;
}

bool check_definition(const bj::value& v, const Path& at, Problems& problems) {
  if (!v.is_object()) return problems.fail(at, type_reason(v, "an Activity Definition object"));
  const InteractionType* interaction = nullptr;
  std::string_view first_interaction_property;  // what needs an interactionType
  for (const auto& kv : v.get_object()) {
    std::string_view k = kv.key();
    const bj::value& val = kv.value();
    const Path p = at.child(k);
    if (k == "name" || k == "description") {
      if (!check_language_map(val, p, problems)) return false;
    } else if (k == "type") {
      if (!check_iri_value(val, p, problems)) return false;
    } else if (k == "moreInfo") {
      if (!check_iri_value(val, p, problems)) return false;
    } else if (k == "extensions") {
      if (!check_extensions(val, p, problems)) return false;
    } else if (k == "interactionType") {
      if (!val.is_string()) return problems.fail(p, type_reason(val, "a string"));
      for (const auto& t : kInteractionTypes)
        if (t.name == val.get_string()) interaction = &t;
      if (interaction == nullptr) {
        return problems.fail(p,
                             "must be one of true-false, choice, fill-in, long-fill-in, matching, performance, "
                             "sequencing, likert, numeric, other");
      }
    } else if (k == "correctResponsesPattern") {
      if (!val.is_array()) return problems.fail(p, type_reason(val, "an array of strings"));
      const bj::array& patterns = val.get_array();
      for (size_t i = 0; i < patterns.size(); ++i) {
        const Path item = p.at(i);
        if (!patterns[i].is_string()) return problems.fail(item, type_reason(patterns[i], "a string"));
      }
      if (first_interaction_property.empty()) first_interaction_property = k;
    } else if (is_component_list(k)) {
      if (!check_components(val, p, problems)) return false;
      if (first_interaction_property.empty()) first_interaction_property = k;
    } else {
      return problems.fail(p, "is not a property of an Activity Definition");
    }
  }
  if (!first_interaction_property.empty() && interaction == nullptr) {
    const Path p = at.child("interactionType");
    return problems.fail(p, "is required when correctResponsesPattern or interaction components are given");
  }
  if (interaction != nullptr) {
    for (const auto& kv : v.get_object()) {
      if (!is_component_list(kv.key())) continue;
      if (std::find(interaction->lists.begin(), interaction->lists.end(), kv.key()) == interaction->lists.end()) {
        const Path p = at.child(kv.key());
        std::string reason = "is not a component list of a \"";
        reason += interaction->name;
        reason += "\" interaction";
        return problems.fail(p, reason);
      }
    }
  }
  return true;
}

}  // namespace

bool check_iri_value(const bj::value& v, const Path& at, Problems& problems) {
  if (!v.is_string()) return problems.fail(at, type_reason(v, "an IRI string"));
  if (!valid_iri(v.get_string())) return problems.fail(at, "must be an IRI (absolute, with a scheme)");
  return true;
}

bool check_language_map(const bj::value& v, const Path& at, Problems& problems) {
  if (!v.is_object()) return problems.fail(at, type_reason(v, "a language map (an object)"));
  for (const auto& kv : v.get_object()) {
    if (!valid_language_tag(kv.key())) {
      std::string reason = "\"";
      reason += kv.key();
      reason += "\" is not an RFC 5646 language tag";
      return problems.fail(at, reason);
    }
    if (!kv.value().is_string()) {
      const Path p = at.child(kv.key());
      return problems.fail(p, type_reason(kv.value(), "a string"));
    }
  }
  return true;
}

bool check_extensions(const bj::value& v, const Path& at, Problems& problems) {
  if (!v.is_object()) return problems.fail(at, type_reason(v, "an extensions object"));
  // Values are free (null included): an LRS must not reject a statement for
  // what an extension holds. Only the keys are the specification's.
  for (const auto& kv : v.get_object()) {
    if (!valid_iri(kv.key())) {
      std::string reason = "the key \"";
      reason += kv.key();
      reason += "\" is not an IRI";
      return problems.fail(at, reason);
    }
  }
  return true;
}

bool check_activity(const bj::value& v, const Path& at, Problems& problems) {
  if (!v.is_object()) return problems.fail(at, type_reason(v, "an Activity object"));
  bool has_id = false;
  for (const auto& kv : v.get_object()) {
    std::string_view k = kv.key();
    const Path p = at.child(k);
    if (k == "objectType") {
      if (!kv.value().is_string() || kv.value().get_string() != "Activity") {
        return problems.fail(p, "must be \"Activity\" here");
      }
    } else if (k == "id") {
      if (!check_iri_value(kv.value(), p, problems)) return false;
      has_id = true;
    } else if (k == "definition") {
      if (!check_definition(kv.value(), p, problems)) return false;
    } else {
      return problems.fail(p, "is not a property of an Activity");
    }
  }
  if (!has_id) return problems.fail(at.child("id"), "is required");
  return true;
}

}  // namespace trivium::xapi::detail
