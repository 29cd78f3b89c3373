// Domain types of a course's outline: modules (sections, weeks) made of
// units made of blocks, the draft authors edit and the versions they publish.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trivium::outline {

// Block types; the content and assessment issues give each its settings.
inline const std::vector<std::string> kBlockTypes = {"text", "video", "file", "embed", "quiz", "assignment"};

struct Block {
  std::string id;  // new_id(), the same in every version
  std::string type;
  std::string title;
  // A JSON object, validated per type (blocks.cpp; the contract is in
  // api/openapi.json, NewBlock.settings): text {"markdown"}, video {"file",
  // "poster", "captions", "duration_seconds", "watched_threshold"}, file
  // {"file"}, embed {"url"}; every type may say how it counts for progress
  // ("completion").
  std::string settings_json = "{}";
};

// A course file as a block names it. The bytes and their access rules
// belong to the files module; the outline only needs to know that the file
// exists in the course (or in the course a SPOC takes its content from), its
// kind, and what to tell the player or the download link.
struct FileInfo {
  std::string id;
  std::string course_id;  // the course that owns it, which serves its content
  std::string name;
  std::string media_type;  // as recorded, e.g. "video/mp4", "text/vtt; charset=utf-8"
  int64_t size = 0;
};

struct Unit {
  std::string id;
  std::string title;
  std::vector<Block> blocks;  // in order
};

// Where a derived SPOC's module comes from: the source course's module of
// the same id, as published in `version`.
struct CopiedFrom {
  std::string course_id;
  int version = 0;
};

struct Module {
  std::string id;
  std::string title;
  // Modules of the same course that must be completed first (no cycles).
  std::vector<std::string> prerequisites;
  // Explicit release: the module opens with week `release_week` (0-based) of
  // a run's weekly schedule instead of the week of its position.
  std::optional<int> release_week;
  std::optional<CopiedFrom> copied_from;
  // A derived SPOC's module still read from its source's publication: in the
  // draft, changing it copies it into the SPOC's own draft (copied_from).
  std::optional<CopiedFrom> shared_from;
  std::vector<Unit> units;  // in order
};

struct Outline {
  std::string course_id;
  std::vector<Module> modules;  // in order
};

struct VersionInfo {
  std::string course_id;
  int version = 0;
  int64_t published_at_ms = 0;
  std::string published_by;
};

// Who acts, for the audit log.
struct Actor {
  std::string user_id;
  std::string ip;
  std::string request_id;
};

// Inputs. `position` is the 0-based index among the siblings; absent or past
// the end appends.
struct NewModule {
  std::string title;
  std::vector<std::string> prerequisites;
  std::optional<int> release_week;
  std::optional<int> position;
};

struct ModuleChange {
  std::optional<std::string> title;
  std::optional<std::vector<std::string>> prerequisites;
  std::optional<std::optional<int>> release_week;
  std::optional<int> position;
};

struct NewUnit {
  std::string title;
  std::optional<int> position;
};

// `module_id` moves the unit to another module of the same course.
struct UnitChange {
  std::optional<std::string> title;
  std::optional<std::string> module_id;
  std::optional<int> position;
};

struct NewBlock {
  std::string type;
  std::string title;
  std::string settings_json = "{}";
  std::optional<int> position;
};

struct BlockChange {
  std::optional<std::string> title;
  std::optional<std::string> settings_json;
  std::optional<std::string> unit_id;
  std::optional<int> position;
};

}  // namespace trivium::outline
