// Internal to the outline module: the draft as loaded for an edit, the SQL
// (queries.cpp), the JSON form of outlines (snapshot.cpp) and the rules
// (structure in snapshot.cpp, block settings in blocks.cpp and
// block_values.cpp). Other modules include outline.h only.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
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

// What a publication adds to each block beyond its settings ("html",
// "media", "download", "embed"), by block id (publish_members below).
using BlockExtras = std::map<std::string, bj::object>;

// The JSON form of an outline (drafts and published versions alike). With
// `extras`, each block also carries the members listed for its id.
bj::object module_json(const Module& m, const BlockExtras* extras);
bj::object unit_json(const Unit& u, const BlockExtras* extras);
bj::object block_json(const Block& b, const BlockExtras* extras);
bj::object outline_json(const Outline& o, const BlockExtras* extras);
// Reads a stored snapshot back (Internal if it is not one).
Result<Outline> outline_from_json(const std::string& text);
std::string strings_json(const std::vector<std::string>& v);
std::vector<std::string> strings_from_json(const std::string& text);

Result<void> check_title(const std::string& field, const std::string& title);
Result<void> check_position(const std::optional<int>& position);
Result<void> check_release_week(const std::optional<int>& week);
// Every prerequisite a module of `d` other than `module_id`, and the graph
// with `module_id` requiring `prerequisites` free of cycles.
Result<void> check_prerequisites(const DraftState& d, const std::string& module_id,
                                 const std::vector<std::string>& prerequisites);

// --- blocks.cpp ------------------------------------------------------------

// The files a block of one course may name: the course's own, then those of
// the course it takes its content from (a derived SPOC shares its source's
// modules, whose blocks name the source's files). Answers are remembered, so
// one scope serves one edit or one publication, not longer.
class FileScope {
 public:
  FileScope(const CourseLookup& lookup, std::string course_id, std::optional<std::string> source_course_id);
  Result<std::optional<FileInfo>> by_id(const std::string& file_id);
  Result<std::optional<FileInfo>> by_name(const std::string& name);
  // The assessment module's check of a quiz's settings, with the courses
  // whose banks it may use (ok when the app wired none).
  Result<void> check_assessment(const std::string& type, const std::string& settings_json) const;

 private:
  const CourseLookup& lookup_;
  std::vector<std::string> courses_;  // where to look, in order
  std::map<std::string, std::optional<FileInfo>> by_id_;
  std::map<std::string, std::optional<FileInfo>> by_name_;
};

// Where a course file's bytes are served (the files module's content route,
// under the course that owns the file).
std::string file_content_url(const FileInfo& f);

// Type known, settings an object within limits, and the type's own rules
// (the files it names looked up in `files`). Every broken rule is one field
// of the Invalid error: "settings/<key>" (deeper for caption entries,
// "settings/captions/2/language"), with a stable code: required, type,
// unknown (a key the type does not have, or a file that is not there),
// one_of, media_type, out_of_range, too_many, duplicate, length, language,
// url, provider.
Result<void> check_block(const std::string& type, const std::string& settings_json, FileScope& files,
                         const std::vector<std::string>& peertube_hosts);

// The members a publication adds to the blocks of `o` (text: "html" with
// "files/<name>" references resolved; video: "media"; file: "download";
// embed: "embed"), after checking every block again as check_block does:
// a file may have gone since the edit. Such a failure names the block:
// "blocks/<block id>/settings/<key>".
Result<BlockExtras> publish_members(const Outline& o, FileScope& files, const std::vector<std::string>& peertube_hosts);

// --- block_values.cpp ------------------------------------------------------

// An embed block's URL as the iframe source it stands for. Only https URLs
// of an allowed provider, in one of its known forms, pass:
//   YouTube  youtube.com/watch?v=ID, youtube.com/embed/ID, youtu.be/ID
//            (also www./m.youtube.com, youtube-nocookie.com/embed/ID)
//            -> https://www.youtube-nocookie.com/embed/ID, ID 11 of [A-Za-z0-9_-]
//   Vimeo    vimeo.com/DIGITS, player.vimeo.com/video/DIGITS
//            -> https://player.vimeo.com/video/DIGITS
//   PeerTube on a host of `peertube_hosts`: /w/ID, /videos/watch/ID,
//            /videos/embed/ID -> https://HOST/videos/embed/ID, ID a UUID or
//            22 of [A-Za-z0-9]
// A query or fragment is ignored (except YouTube's v). Invalid on
// "settings/url": code "url" when the text is not a plain https URL
// (another scheme, credentials, a port, a backslash, percent-escapes or
// anything but printable ASCII in the host, not UTF-8, too long) or names an
// allowed host in an unknown form; "provider" for any other host. The
// canonical source parses to itself.
struct EmbedSource {
  std::string provider;  // youtube | vimeo | peertube
  std::string src;
};
Result<EmbedSource> parse_embed_url(std::string_view url, const std::vector<std::string>& peertube_hosts);

// A well-formed BCP 47 language tag (RFC 5646, section 2.1), as a caption
// track's language must be.
bool is_language_tag(std::string_view tag);

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
