// What may be uploaded (FILE-01, FILE-03): a file is accepted when libmagic's
// reading of its content is a type of the allow-list below AND the file's
// extension names that same type. The type recorded and served is the
// table's canonical one, never one the uploader declared. Anything that
// could run in a browser (HTML, SVG, XML, scripts) is absent from the list;
// images are also refused when their first bytes hold markup, the mark of a
// GIF/HTML-style polyglot that a sniffing browser would render as a page.
#include <magic.h>

#include <spdlog/spdlog.h>
#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>

#include "files/internal.h"

namespace trivium::files::detail {
namespace {

struct Kind {
  std::vector<std::string_view> extensions;
  std::string_view media_type;             // recorded and served
  std::vector<std::string_view> detected;  // what libmagic may say of such content
  bool text = false;                       // must be UTF-8; served with charset=utf-8
};

const std::vector<Kind>& kinds() {
  static const std::vector<Kind> k = {
      {{"mp4", "m4v"}, "video/mp4", {"video/mp4", "video/x-m4v"}},
      {{"webm"}, "video/webm", {"video/webm"}},
      {{"ogv"}, "video/ogg", {"video/ogg", "application/ogg"}},
      {{"mov"}, "video/quicktime", {"video/quicktime"}},
      {{"mkv"}, "video/x-matroska", {"video/x-matroska"}},
      {{"mp3"}, "audio/mpeg", {"audio/mpeg"}},
      {{"m4a"}, "audio/mp4", {"audio/x-m4a", "audio/mp4", "video/mp4"}},
      {{"oga", "ogg", "opus"}, "audio/ogg", {"audio/ogg", "application/ogg", "audio/x-opus+ogg"}},
      {{"wav"}, "audio/wav", {"audio/x-wav", "audio/wav"}},
      {{"flac"}, "audio/flac", {"audio/flac", "audio/x-flac"}},
      {{"png"}, "image/png", {"image/png"}},
      {{"jpg", "jpeg"}, "image/jpeg", {"image/jpeg"}},
      {{"gif"}, "image/gif", {"image/gif"}},
      {{"webp"}, "image/webp", {"image/webp"}},
      {{"pdf"}, "application/pdf", {"application/pdf"}},
      // libmagic may call a WebVTT file plain text; the signature line decides.
      {{"vtt"}, "text/vtt", {"text/vtt", "text/plain"}, true},
      {{"txt"}, "text/plain", {"text/plain"}, true},
      {{"csv"}, "text/csv", {"text/csv", "text/plain"}, true},
      // Archives and office documents are downloads; nothing here unpacks them.
      {{"zip"}, "application/zip", {"application/zip"}},
      {{"docx"},
       "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
       {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"}},
      {{"xlsx"},
       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
       {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"}},
      {{"pptx"},
       "application/vnd.openxmlformats-officedocument.presentationml.presentation",
       {"application/vnd.openxmlformats-officedocument.presentationml.presentation", "application/zip"}},
      {{"odt"},
       "application/vnd.oasis.opendocument.text",
       {"application/vnd.oasis.opendocument.text", "application/zip"}},
      {{"ods"},
       "application/vnd.oasis.opendocument.spreadsheet",
       {"application/vnd.oasis.opendocument.spreadsheet", "application/zip"}},
      {{"odp"},
       "application/vnd.oasis.opendocument.presentation",
       {"application/vnd.oasis.opendocument.presentation", "application/zip"}},
      {{"doc"}, "application/msword", {"application/msword", "application/CDFV2", "application/x-ole-storage"}},
      {{"xls"},
       "application/vnd.ms-excel",
       {"application/vnd.ms-excel", "application/CDFV2", "application/x-ole-storage"}},
      {{"ppt"},
       "application/vnd.ms-powerpoint",
       {"application/vnd.ms-powerpoint", "application/CDFV2", "application/x-ole-storage"}},
  };
  return k;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string extension_of(std::string_view name) {
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return {};
  return lower(name.substr(dot + 1));
}

const Kind* kind_for_extension(std::string_view name) {
  const std::string ext = extension_of(name);
  if (ext.empty()) return nullptr;
  for (const Kind& k : kinds()) {
    if (std::find(k.extensions.begin(), k.extensions.end(), ext) != k.extensions.end()) return &k;
  }
  return nullptr;
}

// Markup that makes a browser that ignores the Content-Type render a page.
bool holds_markup(std::string_view head) {
  static constexpr std::array<std::string_view, 9> kTags = {"<script", "<html",     "<body",   "<head", "<iframe",
                                                            "<svg",    "<!doctype", "<object", "<embed"};
  const std::string window = lower(head.substr(0, std::min<size_t>(head.size(), 64 * 1024)));
  return std::any_of(kTags.begin(), kTags.end(),
                     [&](std::string_view tag) { return window.find(tag) != std::string::npos; });
}

bool starts_webvtt(std::string_view head) {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  if (!head.starts_with("WEBVTT")) return false;
  // The signature is followed by a space, a tab or the end of the line.
  return head.size() == 6 || head[6] == ' ' || head[6] == '\t' || head[6] == '\n' || head[6] == '\r';
}

// libmagic's cookie is not thread-safe and costs a database load to make:
// one, made on first use, shared under a lock (type checks are rare: once
// per completed upload).
class Magic {
 public:
  Result<Sniffed> sniff(std::string_view head) {
    std::lock_guard lock(mu_);
    if (!cookie_) {
      cookie_ = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
      if (!cookie_ || magic_load(cookie_, nullptr) != 0) {
        spdlog::error("files: cannot load the libmagic database: {}", cookie_ ? magic_error(cookie_) : "magic_open");
        if (cookie_) magic_close(cookie_);
        cookie_ = nullptr;
        return fail(ErrorKind::Unavailable, "The file type check is unavailable.");
      }
    }
    Sniffed out;
    magic_setflags(cookie_, MAGIC_MIME_TYPE | MAGIC_ERROR);
    const char* type = magic_buffer(cookie_, head.data(), head.size());
    if (!type) return fail(ErrorKind::Internal, std::string("libmagic: ") + magic_error(cookie_));
    out.type = type;
    magic_setflags(cookie_, MAGIC_MIME_ENCODING | MAGIC_ERROR);
    const char* encoding = magic_buffer(cookie_, head.data(), head.size());
    out.encoding = encoding ? encoding : "binary";
    return out;
  }
  ~Magic() {
    if (cookie_) magic_close(cookie_);
  }

 private:
  std::mutex mu_;
  magic_t cookie_ = nullptr;
};

Magic& magic() {
  static Magic m;
  return m;
}

}  // namespace

Result<Sniffed> sniff(std::string_view head) {
  return magic().sniff(head.substr(0, std::min(head.size(), kSniffBytes)));
}

bool extension_allowed(std::string_view name) {
  return kind_for_extension(name) != nullptr;
}

Result<std::string> check_type(std::string_view name, std::string_view head) {
  const Kind* kind = kind_for_extension(name);
  if (!kind) {
    return fail(ErrorKind::UnsupportedMediaType,
                "Files named like this are not accepted; see the list of accepted types.");
  }
  TRV_ASSIGN(Sniffed seen, sniff(head));
  if (std::find(kind->detected.begin(), kind->detected.end(), seen.type) == kind->detected.end()) {
    return fail(ErrorKind::UnsupportedMediaType, "The content is " + seen.type + ", which does not match a ." +
                                                     extension_of(name) + " file; it was not stored.");
  }
  if (kind->media_type == "text/vtt" && !starts_webvtt(head)) {
    return fail(ErrorKind::UnsupportedMediaType, "A .vtt file must start with the WEBVTT signature.");
  }
  if (kind->text) {
    if (seen.encoding != "us-ascii" && seen.encoding != "utf-8") {
      return fail(ErrorKind::UnsupportedMediaType, "Text files must be UTF-8 (this one is " + seen.encoding + ").");
    }
    return std::string(kind->media_type) + "; charset=utf-8";
  }
  if (kind->media_type.starts_with("image/") && holds_markup(head)) {
    return fail(ErrorKind::UnsupportedMediaType, "The image holds HTML markup; it was not stored.");
  }
  return std::string(kind->media_type);
}

bool shown_inline(std::string_view media_type) {
  return media_type.starts_with("video/") || media_type.starts_with("audio/") || media_type.starts_with("image/") ||
         media_type == "application/pdf" || media_type.starts_with("text/vtt");
}

Result<void> check_name(const std::string& name) {
  if (name.empty() || name.size() > 1024 || !http::is_valid_utf8(name)) {
    return invalid("name", "invalid", "A file name of 1 to 255 characters of UTF-8 text.");
  }
  size_t chars = 0;
  for (unsigned char c : name) {
    if ((c & 0xC0) != 0x80) ++chars;
    if (c < 0x20 || c == 0x7F) return invalid("name", "control_character", "The name holds a control character.");
    if (c == '/' || c == '\\') return invalid("name", "path", "The name is a file name, without folders.");
  }
  if (chars > 255) return invalid("name", "too_long", "A file name of 1 to 255 characters.");
  if (name == "." || name == "..") return invalid("name", "invalid", "Not a file name.");
  return ok();
}

}  // namespace trivium::files::detail
