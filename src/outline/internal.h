// Internal to the outline module: the draft as loaded for an edit, the SQL
// (queries.cpp), the JSON form of outlines (snapshot.cpp) and the rules
// (validation in snapshot.cpp). Other modules include outline.h only.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/db.h"
#include "core/result.h"
#include "outline/outline.h"

namespace trivium::outline {

namespace bj = boost::json;

inline constexpr int kMaxReleaseWeek = 520;
inline constexpr size_t kMaxSettingsBytes = 256 * 1024;
inline constexpr size_t kMaxTitle = 200;

// What a row of outline_modules stands for (its `state` column).
enum class RowState {
  Own = 0,      // a module with its content in this course's rows
  Removed = 1,  // a derived SPOC removed this module of its source
  Placed = 2,   // a derived SPOC moved this shared module: position only
};

// The draft of one course as an edit sees it: the merged list of modules and
// which of them are rows of this course (the others are shared from the
// source's latest publication, `source_version`).
struct DraftState {
  std::string course_id;
  std::optional<std::string> source_course_id;
  int source_version = 0;
  std::vector<Module> modules;
  // The rows of outline_modules of this course by id (see RowState).
  std::map<std::string, RowState> rows;
  // The position each shared module stands at: its placement row's, or its
  // index in the source's publication.
  std::map<std::string, int> shared_position;
};

// Where an id sits in the merged draft.
struct UnitPlace {
  size_t module = 0;
  size_t unit = 0;
};
struct BlockPlace {
  size_t module = 0;
  size_t unit = 0;
  size_t block = 0;
};
std::optional<size_t> find_module(const DraftState& d, const std::string& id);
std::optional<UnitPlace> find_unit(const DraftState& d, const std::string& id);
std::optional<BlockPlace> find_block(const DraftState& d, const std::string& id);

// --- queries.cpp -----------------------------------------------------------

// Loads the course's own rows and, for a derived SPOC, merges the source's
// latest published modules that the SPOC has not copied or removed.
Result<DraftState> load_draft(db::Tx& tx, const std::string& course_id,
                              const std::optional<std::string>& source_course_id);
// The latest version number of a course; 0 before the first publication.
Result<int> latest_version(db::Tx& tx, const std::string& course_id);
Result<std::optional<std::string>> version_json(db::Tx& tx, const std::string& course_id, int version);

Result<void> insert_module(db::Tx& tx, const std::string& course_id, const Module& m, int position, int64_t now);
Result<void> update_module_row(db::Tx& tx, const std::string& course_id, const Module& m, int64_t now);
Result<void> hide_module(db::Tx& tx, const std::string& course_id, const Module& m, int position, int64_t now);
Result<void> delete_module_rows(db::Tx& tx, const std::string& course_id, const std::string& module_id);
Result<void> insert_unit(db::Tx& tx, const std::string& course_id, const std::string& module_id, const Unit& u,
                         int position);
Result<void> delete_unit_rows(db::Tx& tx, const std::string& course_id, const std::string& unit_id);
Result<void> insert_block(db::Tx& tx, const std::string& course_id, const std::string& unit_id, const Block& b,
                          int position);
Result<void> delete_block_row(db::Tx& tx, const std::string& course_id, const std::string& block_id);
// Rewrites titles, parents and positions so that the rows match the draft's
// order (the own modules, the units of one module, the blocks of one unit).
Result<void> write_module_order(db::Tx& tx, const DraftState& d, int64_t now);
Result<void> write_units(db::Tx& tx, const std::string& course_id, const Module& m);
Result<void> write_blocks(db::Tx& tx, const std::string& course_id, const Unit& u);
// Copies a shared module (with its units and blocks, keeping their ids) into
// the course's own draft: copy-on-write for derived SPOCs.
Result<void> copy_module(db::Tx& tx, DraftState& d, size_t index, int64_t now);

Result<std::vector<VersionInfo>> list_versions(db::Tx& tx, const std::string& course_id);
Result<std::optional<std::pair<VersionInfo, std::string>>> find_version(db::Tx& tx, const std::string& course_id,
                                                                        int version);
Result<void> insert_version(db::Tx& tx, const VersionInfo& v, const std::string& json);
Result<std::map<std::string, int64_t>> run_releases(db::Tx& tx, const std::string& run_id);
Result<void> upsert_release(db::Tx& tx, const std::string& run_id, const std::string& module_id, int64_t at);
Result<int64_t> delete_release(db::Tx& tx, const std::string& run_id, const std::string& module_id);

// --- snapshot.cpp ----------------------------------------------------------

// The JSON form of an outline (drafts and published versions alike). With
// `render_markdown`, text blocks also carry their rendered `html`.
bj::object module_json(const Module& m, const std::function<std::string(const std::string&)>* render_markdown);
bj::object unit_json(const Unit& u, const std::function<std::string(const std::string&)>* render_markdown);
bj::object block_json(const Block& b, const std::function<std::string(const std::string&)>* render_markdown);
bj::object outline_json(const Outline& o, const std::function<std::string(const std::string&)>* render_markdown);
// Reads a stored snapshot back (Internal if it is not one).
Result<Outline> outline_from_json(const std::string& text);
std::string strings_json(const std::vector<std::string>& v);
std::vector<std::string> strings_from_json(const std::string& text);

Result<void> check_title(const std::string& field, const std::string& title);
Result<void> check_position(const std::optional<int>& position);
Result<void> check_release_week(const std::optional<int>& week);
// Type known, settings an object within limits, and the type's own rule.
Result<void> check_block(const std::string& type, const std::string& settings_json);
// Every prerequisite a module of `d` other than `module_id`, and the graph
// with `module_id` requiring `prerequisites` free of cycles.
Result<void> check_prerequisites(const DraftState& d, const std::string& module_id,
                                 const std::vector<std::string>& prerequisites);

// Moves v[from] to index `to` (clamped to the end).
template <typename T>
size_t move_to(std::vector<T>& v, size_t from, std::optional<int> to) {
  T item = std::move(v[from]);
  v.erase(v.begin() + static_cast<std::ptrdiff_t>(from));
  size_t at = to ? std::min(static_cast<size_t>(*to), v.size()) : v.size();
  v.insert(v.begin() + static_cast<std::ptrdiff_t>(at), std::move(item));
  return at;
}

// Inserts at `to` (clamped; absent: at the end) and returns the index.
template <typename T>
size_t insert_at(std::vector<T>& v, T item, std::optional<int> to) {
  size_t at = to ? std::min(static_cast<size_t>(*to), v.size()) : v.size();
  v.insert(v.begin() + static_cast<std::ptrdiff_t>(at), std::move(item));
  return at;
}

}  // namespace trivium::outline
