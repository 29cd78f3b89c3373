// Content blocks: the settings each type takes, checked at every draft edit
// and again at publication, and what a publication adds to a block so that
// a client can show it without asking anything else: the rendered HTML of a
// text, the URLs of a video and its captions, a download link, or the
// iframe source of an embedded video.
//
// The settings are a contract with the progress module, which reads
// "completion" and "watched_threshold" from published blocks, so a key a
// type does not have is refused rather than kept: a misspelt
// "watch_threshold" would otherwise silently fall back to the default.
// Quiz and assignment settings belong to the assessment issue; only their
// "completion" is checked here. Embed URLs and language tags are parsed in
// block_values.cpp.

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <set>

#include "outline/internal.h"
#include "richtext/richtext.h"

namespace trivium::outline {

namespace {

constexpr size_t kMaxCaptions = 20;
constexpr size_t kMaxCaptionLabel = 100;
constexpr double kMaxVideoSeconds = 86400;
constexpr double kMinWatchedThreshold = 0.5;
constexpr size_t kMaxFileId = 128;

// What the published iframe may do: scripts and its own origin (the players
// need both), fullscreen presentation, and popups for "watch on YouTube".
// No top navigation, no forms, no downloads.
constexpr const char* kEmbedSandbox = "allow-scripts allow-same-origin allow-presentation allow-popups";
constexpr const char* kEmbedAllow = "fullscreen; picture-in-picture; encrypted-media";
constexpr const char* kEmbedReferrerPolicy = "strict-origin-when-cross-origin";

std::string_view view(const bj::string& s) {
  return {s.data(), s.size()};
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// --- Settings problems -----------------------------------------------------

// Every broken rule of the blocks being checked, as field errors under a
// prefix ("" at an edit, "blocks/<id>/" at a publication).
class Problems {
 public:
  void set_prefix(std::string prefix) { prefix_ = std::move(prefix); }
  // `key` is the path under settings/ ("file", "captions/2/language").
  void add(const std::string& key, std::string code, std::string message) {
    fields_.push_back({prefix_ + "settings/" + key, std::move(code), std::move(message)});
  }
  // An error about the block itself (its type, its settings as a whole).
  void add_all(const Error& e) {
    for (const FieldError& f : e.fields) fields_.push_back({prefix_ + f.field, f.code, f.message});
  }
  Result<void> result() const {
    if (fields_.empty()) return ok();
    Error e{ErrorKind::Invalid, "The request has invalid fields.", fields_, 0};
    return fail(std::move(e));
  }

 private:
  std::string prefix_;
  std::vector<FieldError> fields_;
};

// One block being checked, and (at a publication) the members it gets.
struct Examination {
  FileScope& files;
  const std::vector<std::string>& peertube_hosts;
  Problems& problems;
  bj::object* published = nullptr;  // null: check only
};

// The keys a type has and what its "completion" may say (the first is the
// default). A type without keys listed keeps whatever it is given.
struct TypeRules {
  std::string_view type;
  std::vector<std::string_view> keys;
  std::vector<std::string_view> completions;
};

const std::vector<TypeRules>& type_rules() {
  static const std::vector<TypeRules> rules = {
      {"text", {"markdown", "completion"}, {"viewed", "none"}},
      {"video",
       {"file", "poster", "captions", "duration_seconds", "watched_threshold", "completion"},
       {"watched", "viewed", "none"}},
      {"file", {"file", "completion"}, {"viewed", "none"}},
      {"embed", {"url", "completion"}, {"viewed", "none"}},
      {"quiz", {}, {"passed", "submitted", "none"}},
      {"assignment", {}, {"submitted", "none"}},
  };
  return rules;
}

const TypeRules* rules_for(const std::string& type) {
  for (const TypeRules& r : type_rules())
    if (r.type == type) return &r;
  return nullptr;
}

std::string joined(const std::vector<std::string_view>& words) {
  std::string out;
  for (std::string_view w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

// An optional setting: absent and null both mean "not given", so that a
// form can clear a poster by sending null.
const bj::value* given(const bj::object& settings, std::string_view key) {
  const bj::value* v = settings.if_contains(key);
  return (v && !v->is_null()) ? v : nullptr;
}

// Type known, settings a JSON object within the size limit.
Result<bj::object> settings_object(const std::string& type, const std::string& settings_json) {
  if (!rules_for(type)) return invalid("type", "unknown", "One of text, video, file, embed, quiz, assignment.");
  if (settings_json.size() > kMaxSettingsBytes) return invalid("settings", "too_large", "At most 256 KiB.");
  boost::system::error_code ec;
  bj::value v = bj::parse(settings_json, ec);
  if (ec || !v.is_object()) return invalid("settings", "not_object", "Settings are a JSON object.");
  return std::move(v.as_object());
}

// --- Course files ----------------------------------------------------------

// The media type without parameters, lower-cased: "text/vtt; charset=utf-8"
// is "text/vtt".
std::string essence(std::string_view media_type) {
  std::string_view t = media_type.substr(0, media_type.find(';'));
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return lowered(t);
}

struct FileKind {
  std::string_view prefix;  // of the media type's essence
  bool exact = false;       // the whole essence, not a prefix
  std::string_view wanted;  // for the message
};
constexpr FileKind kAnyFile{"", false, "a file"};
constexpr FileKind kVideoFile{"video/", false, "a video (video/*)"};
constexpr FileKind kImageFile{"image/", false, "an image (image/*)"};
constexpr FileKind kCaptionsFile{"text/vtt", true, "WebVTT captions (text/vtt)"};

bool fits(const FileInfo& f, const FileKind& kind) {
  const std::string e = essence(f.media_type);
  return kind.exact ? e == kind.prefix : e.starts_with(kind.prefix);
}

// The file a setting names by id, or nullopt with the problem recorded.
Result<std::optional<FileInfo>> named_file(Examination& ex, const bj::value& v, const std::string& key,
                                           const FileKind& kind) {
  if (!v.is_string()) {
    ex.problems.add(key, "type", "A file id (a string).");
    return std::optional<FileInfo>{};
  }
  const std::string id(view(v.as_string()));
  std::optional<FileInfo> found;
  if (!id.empty() && id.size() <= kMaxFileId) {
    TRV_ASSIGN(found, ex.files.by_id(id));
  }
  if (!found) {
    ex.problems.add(key, "unknown", "Not a file of this course.");
    return std::optional<FileInfo>{};
  }
  if (!fits(*found, kind)) {
    ex.problems.add(key, "media_type",
                    "This file is " + found->media_type + "; " + std::string(kind.wanted) + " is needed here.");
    return std::optional<FileInfo>{};
  }
  return found;
}

// A required file setting.
Result<std::optional<FileInfo>> required_file(Examination& ex, const bj::object& settings, const std::string& key,
                                              const FileKind& kind) {
  const bj::value* v = given(settings, key);
  if (!v) {
    ex.problems.add(key, "required", "Required: " + std::string(kind.wanted) + " of this course, by id.");
    return std::optional<FileInfo>{};
  }
  return named_file(ex, *v, key, kind);
}

// --- Per type --------------------------------------------------------------

Result<void> examine_text(Examination& ex, const bj::object& settings) {
  const bj::value* md = settings.if_contains("markdown");
  if (!md || !md->is_string()) {
    ex.problems.add("markdown", "required", "A text block has its Markdown in settings.markdown.");
    return ok();
  }
  if (!ex.published) return ok();
  // "files/<name>" in a link or an image names a file of the course by its
  // name; richtext drops the ones this returns nothing for.
  std::optional<Error> lookup_failed;
  richtext::Options options;
  options.resolve_file = [&ex, &lookup_failed](std::string_view ref) -> std::optional<std::string> {
    constexpr std::string_view kFiles = "files/";
    if (lookup_failed || !ref.starts_with(kFiles)) return std::nullopt;
    auto found = ex.files.by_name(std::string(ref.substr(kFiles.size())));
    if (!found) {
      lookup_failed = found.error();
      return std::nullopt;
    }
    if (!*found) return std::nullopt;
    return file_content_url(**found);
  };
  std::string html = richtext::markdown_to_html(view(md->as_string()), options);
  if (lookup_failed) return fail(*lookup_failed);
  (*ex.published)["html"] = std::move(html);
  return ok();
}

struct Caption {
  std::string language;
  std::string label;
  FileInfo file;
};

size_t code_points(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// One entry of "captions"; nullopt with the problems recorded.
Result<std::optional<Caption>> examine_caption(Examination& ex, const bj::value& entry, size_t index,
                                               std::set<std::string>& languages) {
  const std::string at = "captions/" + std::to_string(index);
  if (!entry.is_object()) {
    ex.problems.add(at, "type", "A caption track is an object {language, label, file}.");
    return std::optional<Caption>{};
  }
  const bj::object& o = entry.as_object();
  bool good = true;
  for (const auto& member : o) {
    const std::string_view key = member.key();
    if (key != "language" && key != "label" && key != "file") {
      ex.problems.add(at + "/" + std::string(key), "unknown", "A caption track has language, label and file.");
      good = false;
    }
  }
  Caption c;
  const bj::value* language = o.if_contains("language");
  if (!language || !language->is_string()) {
    ex.problems.add(at + "/language", "required", "A BCP 47 language tag, such as en or pt-BR.");
    good = false;
  } else {
    c.language = std::string(view(language->as_string()));
    if (!is_language_tag(c.language)) {
      ex.problems.add(at + "/language", "language", "Not a BCP 47 language tag (such as en or pt-BR).");
      good = false;
    } else if (!languages.insert(lowered(c.language)).second) {
      ex.problems.add(at + "/language", "duplicate", "Another caption track has this language.");
      good = false;
    }
  }
  const bj::value* label = o.if_contains("label");
  if (!label || !label->is_string()) {
    ex.problems.add(at + "/label", "required", "The name shown in the player's caption menu.");
    good = false;
  } else {
    c.label = std::string(view(label->as_string()));
    const size_t length = code_points(c.label);
    if (length < 1 || length > kMaxCaptionLabel || has_control(c.label)) {
      ex.problems.add(at + "/label", "length", "From 1 to 100 characters, without control characters.");
      good = false;
    }
  }
  const bj::value* file = o.if_contains("file");
  if (!file || file->is_null()) {
    ex.problems.add(at + "/file", "required", "A WebVTT file (text/vtt) of this course, by id.");
    good = false;
  } else {
    TRV_ASSIGN(std::optional<FileInfo> found, named_file(ex, *file, at + "/file", kCaptionsFile));
    if (found) {
      c.file = std::move(*found);
    } else {
      good = false;
    }
  }
  if (!good) return std::optional<Caption>{};
  return std::optional<Caption>(std::move(c));
}

// A number setting within (low, high] or [low, high].
void check_number(Examination& ex, const bj::object& settings, std::string_view key, double low, bool low_included,
                  double high, const std::string& message) {
  const bj::value* v = given(settings, key);
  if (!v) return;
  if (!v->is_number()) {
    ex.problems.add(std::string(key), "type", message);
    return;
  }
  const double x = v->to_number<double>();
  if ((low_included ? x < low : x <= low) || x > high) ex.problems.add(std::string(key), "out_of_range", message);
}

Result<void> examine_video(Examination& ex, const bj::object& settings) {
  TRV_ASSIGN(std::optional<FileInfo> video, required_file(ex, settings, "file", kVideoFile));
  std::optional<FileInfo> poster;
  if (const bj::value* v = given(settings, "poster")) {
    TRV_ASSIGN(poster, named_file(ex, *v, "poster", kImageFile));
  }
  std::vector<Caption> captions;
  if (const bj::value* v = given(settings, "captions")) {
    if (!v->is_array()) {
      ex.problems.add("captions", "type", "A list of caption tracks {language, label, file}.");
    } else if (v->as_array().size() > kMaxCaptions) {
      ex.problems.add("captions", "too_many", "At most 20 caption tracks.");
    } else {
      std::set<std::string> languages;
      const bj::array& entries = v->as_array();
      for (size_t i = 0; i < entries.size(); ++i) {
        TRV_ASSIGN(std::optional<Caption> c, examine_caption(ex, entries[i], i, languages));
        if (c) captions.push_back(std::move(*c));
      }
    }
  }
  check_number(ex, settings, "duration_seconds", 0, false, kMaxVideoSeconds,
               "The length in seconds: more than 0, at most 86400.");
  check_number(ex, settings, "watched_threshold", kMinWatchedThreshold, true, 1,
               "The fraction that must really be played to count as watched: from 0.5 to 1.");
  if (!ex.published || !video) return ok();
  bj::array tracks;
  for (const Caption& c : captions)
    tracks.push_back(bj::object{{"language", c.language}, {"label", c.label}, {"url", file_content_url(c.file)}});
  (*ex.published)["media"] = bj::object{
      {"video",
       bj::object{{"url", file_content_url(*video)}, {"media_type", video->media_type}, {"size", video->size}}},
      {"poster", poster ? bj::value(bj::object{{"url", file_content_url(*poster)}}) : bj::value(nullptr)},
      {"captions", std::move(tracks)}};
  return ok();
}

Result<void> examine_file(Examination& ex, const bj::object& settings) {
  TRV_ASSIGN(std::optional<FileInfo> file, required_file(ex, settings, "file", kAnyFile));
  if (!ex.published || !file) return ok();
  (*ex.published)["download"] = bj::object{
      {"url", file_content_url(*file)}, {"name", file->name}, {"media_type", file->media_type}, {"size", file->size}};
  return ok();
}

Result<void> examine_embed(Examination& ex, const bj::object& settings) {
  const bj::value* url = given(settings, "url");
  if (!url || !url->is_string()) {
    ex.problems.add("url", "required", "The https URL of a YouTube, Vimeo or allowed PeerTube video.");
    return ok();
  }
  auto source = parse_embed_url(view(url->as_string()), ex.peertube_hosts);
  if (!source) {
    ex.problems.add("url", source.error().fields.at(0).code, source.error().fields.at(0).message);
    return ok();
  }
  if (!ex.published) return ok();
  (*ex.published)["embed"] = bj::object{{"provider", source->provider},
                                        {"src", source->src},
                                        {"sandbox", kEmbedSandbox},
                                        {"allow", kEmbedAllow},
                                        {"referrerpolicy", kEmbedReferrerPolicy}};
  return ok();
}

// Checks one block's settings (problems recorded in ex) and, at a
// publication, fills its published members. A failure is a failed lookup.
Result<void> examine(Examination& ex, const std::string& type, const bj::object& settings) {
  if (type == "text") TRV_TRY(examine_text(ex, settings));
  if (type == "video") TRV_TRY(examine_video(ex, settings));
  if (type == "file") TRV_TRY(examine_file(ex, settings));
  if (type == "embed") TRV_TRY(examine_embed(ex, settings));
  if (type == "quiz") {
    auto checked = ex.files.check_assessment(type, bj::serialize(settings));
    if (!checked) {
      if (checked.error().kind != ErrorKind::Invalid) return checked.failure();
      for (const FieldError& f : checked.error().fields) {
        const std::string key = f.field.rfind("settings/", 0) == 0 ? f.field.substr(9) : f.field;
        ex.problems.add(key, f.code, f.message);
      }
    }
  }
  const TypeRules& rules = *rules_for(type);
  if (const bj::value* c = given(settings, "completion")) {
    if (!c->is_string()) {
      ex.problems.add("completion", "type", "One of " + joined(rules.completions) + ".");
    } else if (std::find(rules.completions.begin(), rules.completions.end(), view(c->as_string())) ==
               rules.completions.end()) {
      ex.problems.add("completion", "one_of", "For a " + type + " block: one of " + joined(rules.completions) + ".");
    }
  }
  // Unknown keys last, so that the first problem is about what is missing
  // or wrong rather than about a stray key (often the same mistake).
  if (!rules.keys.empty()) {
    for (const auto& member : settings) {
      const std::string_view key = member.key();
      if (std::find(rules.keys.begin(), rules.keys.end(), key) == rules.keys.end())
        ex.problems.add(std::string(key), "unknown",
                        "A " + type + " block has no such setting; it has " + joined(rules.keys) + ".");
    }
  }
  return ok();
}

}  // namespace

// --- Files -----------------------------------------------------------------

FileScope::FileScope(const CourseLookup& lookup, std::string course_id, std::optional<std::string> source_course_id)
    : lookup_(lookup) {
  courses_.push_back(std::move(course_id));
  if (source_course_id && *source_course_id != courses_[0]) courses_.push_back(std::move(*source_course_id));
}

Result<std::optional<FileInfo>> FileScope::by_id(const std::string& file_id) {
  if (auto it = by_id_.find(file_id); it != by_id_.end()) return it->second;
  std::optional<FileInfo> found;
  for (size_t i = 0; lookup_.file && !found && i < courses_.size(); ++i) {
    TRV_ASSIGN(found, lookup_.file(courses_[i], file_id));
  }
  by_id_[file_id] = found;
  return found;
}

Result<std::optional<FileInfo>> FileScope::by_name(const std::string& name) {
  if (auto it = by_name_.find(name); it != by_name_.end()) return it->second;
  std::optional<FileInfo> found;
  for (size_t i = 0; lookup_.file_by_name && !found && i < courses_.size(); ++i) {
    TRV_ASSIGN(found, lookup_.file_by_name(courses_[i], name));
  }
  by_name_[name] = found;
  return found;
}

Result<void> FileScope::check_assessment(const std::string& type, const std::string& settings_json) const {
  if (!lookup_.check_assessment) return ok();
  return lookup_.check_assessment(courses_, type, settings_json);
}

std::string file_content_url(const FileInfo& f) {
  return "/api/v1/courses/" + f.course_id + "/files/" + f.id + "/content";
}

// --- Checking and publishing -----------------------------------------------

Result<void> check_block(const std::string& type, const std::string& settings_json, FileScope& files,
                         const std::vector<std::string>& peertube_hosts) {
  TRV_ASSIGN(bj::object settings, settings_object(type, settings_json));
  Problems problems;
  Examination ex{files, peertube_hosts, problems, nullptr};
  TRV_TRY(examine(ex, type, settings));
  return problems.result();
}

Result<BlockExtras> publish_members(const Outline& o, FileScope& files,
                                    const std::vector<std::string>& peertube_hosts) {
  BlockExtras out;
  Problems problems;
  for (const Module& m : o.modules) {
    for (const Unit& u : m.units) {
      for (const Block& b : u.blocks) {
        problems.set_prefix("blocks/" + b.id + "/");
        auto settings = settings_object(b.type, b.settings_json);
        if (!settings) {
          problems.add_all(settings.error());
          continue;
        }
        bj::object members;
        Examination ex{files, peertube_hosts, problems, &members};
        TRV_TRY(examine(ex, b.type, *settings));
        if (!members.empty()) out[b.id] = std::move(members);
      }
    }
  }
  TRV_TRY(problems.result());
  return out;
}

}  // namespace trivium::outline
