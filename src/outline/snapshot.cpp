// The JSON form of outlines (a published version is stored as exactly this
// document) and the rules an edit must keep.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <set>

#include "outline/internal.h"

namespace trivium::outline {

namespace {

bj::value origin_json(const std::optional<CopiedFrom>& c) {
  if (!c) return nullptr;
  return bj::object{{"course_id", c->course_id}, {"version", c->version}};
}

std::optional<CopiedFrom> origin_from(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  if (!v || !v->is_object()) return std::nullopt;
  const bj::object& c = v->as_object();
  return CopiedFrom{std::string(c.at("course_id").as_string()), static_cast<int>(c.at("version").to_number<int64_t>())};
}

std::string str(const bj::object& o, std::string_view key) {
  return std::string(o.at(key).as_string());
}

Block block_from(const bj::object& o) {
  Block b;
  b.id = str(o, "id");
  b.type = str(o, "type");
  b.title = str(o, "title");
  b.settings_json = bj::serialize(o.at("settings"));
  return b;
}

Unit unit_from(const bj::object& o) {
  Unit u;
  u.id = str(o, "id");
  u.title = str(o, "title");
  for (const bj::value& b : o.at("blocks").as_array()) u.blocks.push_back(block_from(b.as_object()));
  return u;
}

Module module_from(const bj::object& o) {
  Module m;
  m.id = str(o, "id");
  m.title = str(o, "title");
  for (const bj::value& p : o.at("prerequisites").as_array()) m.prerequisites.emplace_back(p.as_string());
  if (const bj::value* w = o.if_contains("release_week"); w && !w->is_null())
    m.release_week = static_cast<int>(w->to_number<int64_t>());
  m.copied_from = origin_from(o, "copied_from");
  m.shared_from = origin_from(o, "shared_from");
  for (const bj::value& u : o.at("units").as_array()) m.units.push_back(unit_from(u.as_object()));
  return m;
}

// True if following prerequisites from `start` comes back to `start`.
bool reaches(const std::map<std::string, std::vector<std::string>>& graph, const std::string& start) {
  std::vector<std::string> stack{start};
  std::set<std::string> seen;
  while (!stack.empty()) {
    std::string at = stack.back();
    stack.pop_back();
    auto it = graph.find(at);
    if (it == graph.end()) continue;
    for (const std::string& next : it->second) {
      if (next == start) return true;
      if (seen.insert(next).second) stack.push_back(next);
    }
  }
  return false;
}

}  // namespace

bj::object block_json(const Block& b, const BlockExtras* extras) {
  bj::object o{{"id", b.id}, {"type", b.type}, {"title", b.title}, {"settings", bj::parse(b.settings_json)}};
  if (extras) {
    if (auto it = extras->find(b.id); it != extras->end())
      for (const auto& member : it->second) o[member.key()] = member.value();
  }
  return o;
}

bj::object unit_json(const Unit& u, const BlockExtras* extras) {
  bj::array blocks;
  for (const Block& b : u.blocks) blocks.push_back(block_json(b, extras));
  return bj::object{{"id", u.id}, {"title", u.title}, {"blocks", std::move(blocks)}};
}

bj::object module_json(const Module& m, const BlockExtras* extras) {
  bj::array prerequisites;
  for (const std::string& p : m.prerequisites) prerequisites.emplace_back(p);
  bj::array units;
  for (const Unit& u : m.units) units.push_back(unit_json(u, extras));
  bj::object o{{"id", m.id},
               {"title", m.title},
               {"prerequisites", std::move(prerequisites)},
               {"release_week", m.release_week ? bj::value(*m.release_week) : bj::value(nullptr)},
               {"copied_from", origin_json(m.copied_from)},
               {"shared_from", origin_json(m.shared_from)},
               {"units", std::move(units)}};
  return o;
}

bj::object outline_json(const Outline& o, const BlockExtras* extras) {
  bj::array modules;
  for (const Module& m : o.modules) modules.push_back(module_json(m, extras));
  return bj::object{{"course_id", o.course_id}, {"modules", std::move(modules)}};
}

Result<Outline> outline_from_json(const std::string& text) {
  try {
    bj::value v = bj::parse(text);
    const bj::object& o = v.as_object();
    Outline out;
    out.course_id = str(o, "course_id");
    for (const bj::value& m : o.at("modules").as_array()) out.modules.push_back(module_from(m.as_object()));
    return out;
  } catch (const std::exception& e) {
    return fail(ErrorKind::Internal, std::string("a stored outline is not readable: ") + e.what());
  }
}

std::string strings_json(const std::vector<std::string>& v) {
  bj::array a;
  for (const std::string& s : v) a.emplace_back(s);
  return bj::serialize(a);
}

std::vector<std::string> strings_from_json(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  bj::value v = bj::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const bj::value& s : v.as_array())
    if (s.is_string()) out.emplace_back(s.as_string());
  return out;
}

Result<void> check_title(const std::string& field, const std::string& title) {
  if (title.empty() || title.size() > kMaxTitle) return invalid(field, "length", "From 1 to 200 characters.");
  return ok();
}

Result<void> check_position(const std::optional<int>& position) {
  if (position && *position < 0) return invalid("position", "out_of_range", "A position is 0 or more.");
  return ok();
}

Result<void> check_release_week(const std::optional<int>& week) {
  if (week && (*week < 0 || *week > kMaxReleaseWeek))
    return invalid("release_week", "out_of_range", "A week from 0 to 520.");
  return ok();
}

Result<void> check_prerequisites(const DraftState& d, const std::string& module_id,
                                 const std::vector<std::string>& prerequisites) {
  std::map<std::string, std::vector<std::string>> graph;
  for (const Module& m : d.modules) graph[m.id] = m.prerequisites;
  std::set<std::string> unique;
  for (size_t i = 0; i < prerequisites.size(); ++i) {
    const std::string& p = prerequisites[i];
    const std::string field = "prerequisites/" + std::to_string(i);
    if (p == module_id) return invalid(field, "cycle", "A module cannot require itself.");
    if (!graph.count(p)) return invalid(field, "unknown", "Not a module of this course.");
    if (!unique.insert(p).second) return invalid(field, "duplicate", "Listed twice.");
  }
  graph[module_id] = prerequisites;
  if (reaches(graph, module_id))
    return invalid("prerequisites", "cycle", "These prerequisites would make the module require itself.");
  return ok();
}

std::optional<size_t> find_module(const DraftState& d, const std::string& id) {
  for (size_t i = 0; i < d.modules.size(); ++i)
    if (d.modules[i].id == id) return i;
  return std::nullopt;
}

std::optional<UnitPlace> find_unit(const DraftState& d, const std::string& id) {
  for (size_t i = 0; i < d.modules.size(); ++i)
    for (size_t j = 0; j < d.modules[i].units.size(); ++j)
      if (d.modules[i].units[j].id == id) return UnitPlace{i, j};
  return std::nullopt;
}

std::optional<BlockPlace> find_block(const DraftState& d, const std::string& id) {
  for (size_t i = 0; i < d.modules.size(); ++i)
    for (size_t j = 0; j < d.modules[i].units.size(); ++j)
      for (size_t k = 0; k < d.modules[i].units[j].blocks.size(); ++k)
        if (d.modules[i].units[j].blocks[k].id == id) return BlockPlace{i, j, k};
  return std::nullopt;
}

}  // namespace trivium::outline
