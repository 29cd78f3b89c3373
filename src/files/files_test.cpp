// Course files against a real store (SQLite, or PostgreSQL when
// TRIVIUM_TEST_PG_URL is set) and a real disk store in a temporary folder:
// deduplication, the upload state machine, resuming after a restart, the
// quota, the type check with mismatched fixtures, and the sweeper.
#include <fcntl.h>
#include <sys/stat.h>

#include "files/testing.h"

namespace trivium::files {
namespace {

using namespace detail;
using testing::gif_bytes;
using testing::mp4_bytes;

class FilesTest : public testing::FilesFixture {};

// --- the disk store -----------------------------------------------------------------

TEST_F(FilesTest, DiskStoreKeepsEqualContentOnce) {
  const std::string bytes = mp4_bytes(5000);
  const std::string sha = sha256_hex(bytes);
  for (int i = 0; i < 2; ++i) {
    const std::string source = dir_ + "/incoming-" + std::to_string(i);
    std::ofstream(source, std::ios::binary) << bytes;
    ASSERT_TRUE(disk_->put(source, sha));
    EXPECT_FALSE(std::filesystem::exists(source)) << "the source is moved in or dropped";
  }
  auto held = disk_->list();
  ASSERT_TRUE(held);
  EXPECT_EQ(*held, std::vector<std::string>{sha});
  // FILE-06: named by the hash, under two levels of folders, never executable.
  const std::string path = data_dir() + "/files/" + sha.substr(0, 2) + "/" + sha.substr(2, 2) + "/" + sha;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0111, 0u);
  auto blob = disk_->open(sha);
  ASSERT_TRUE(blob);
  EXPECT_EQ(blob->size, bytes.size());
  EXPECT_EQ(read_all(*blob), bytes);
  ASSERT_TRUE(disk_->remove(sha));
  EXPECT_FALSE(*disk_->exists(sha));
  EXPECT_EQ(disk_->open(sha).error().kind, ErrorKind::NotFound);
  EXPECT_TRUE(disk_->remove(sha)) << "removing what is gone succeeds";
}

TEST_F(FilesTest, DiskStoreRefusesNamesThatAreNotHashes) {
  EXPECT_FALSE(disk_->put(dir_ + "/x", "../../etc/passwd"));
  EXPECT_EQ(disk_->open("../files.db").error().kind, ErrorKind::NotFound);
}

// --- uploads -------------------------------------------------------------------------

TEST_F(FilesTest, ChunkedUploadRecordsAByteIdenticalFile) {
  const std::string bytes = mp4_bytes(10'500);
  auto done = upload("course-1", "Lecture 1.mp4", bytes, 4096);
  ASSERT_TRUE(done) << done.error().detail;
  ASSERT_TRUE(done->completed);
  const CourseFile& f = *done->completed;
  EXPECT_EQ(f.media_type, "video/mp4");
  EXPECT_EQ(f.size, 10'500);
  EXPECT_EQ(f.sha256, sha256_hex(bytes)) << "the incremental hash equals the one-shot hash";
  EXPECT_EQ(f.organisation_id, "org-1");
  EXPECT_EQ(done->upload.file_id, f.id);
  auto content = service_->open("course-1", f.id);
  ASSERT_TRUE(content);
  EXPECT_EQ(read_all(content->blob), bytes);
  EXPECT_EQ(count_files(uploads_dir()), 0u) << "the upload file moved into the store";
  auto listed = service_->list("course-1");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].name, "Lecture 1.mp4");
  auto events = audit_->list({.action = "files.uploaded"});
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].event.target_id, f.id);
  EXPECT_EQ((*events)[0].event.organisation_id, "org-1");
}

TEST_F(FilesTest, ChunksMustFollowEachOther) {
  const std::string bytes = mp4_bytes(3000);
  auto u = service_->begin_upload(actor_, "course-1", "a.mp4", 3000);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->received, 0);
  auto first = service_->append(actor_, "course-1", u->id, 0, 3000, std::string_view(bytes).substr(0, 1000));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->upload.received, 1000);
  EXPECT_FALSE(first->repeated);
  // A gap, and an overlap reaching past the offset: both 409.
  EXPECT_EQ(service_->append(actor_, "course-1", u->id, 2000, 3000, bytes.substr(2000)).error().kind,
            ErrorKind::Conflict);
  EXPECT_EQ(service_->append(actor_, "course-1", u->id, 500, 3000, bytes.substr(500, 1000)).error().kind,
            ErrorKind::Conflict);
  // The same chunk again (its answer was lost): accepted, nothing changes.
  auto again = service_->append(actor_, "course-1", u->id, 0, 3000, std::string_view(bytes).substr(0, 1000));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->repeated);
  EXPECT_EQ(again->upload.received, 1000);
  // A total other than the declared size, and a chunk past it.
  auto wrong_total = service_->append(actor_, "course-1", u->id, 1000, 4000, bytes.substr(1000, 1000));
  EXPECT_EQ(wrong_total.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(service_->append(actor_, "course-1", u->id, 1000, 3000, std::string(2500, 'x')).error().kind,
            ErrorKind::Invalid);
  EXPECT_EQ(service_->get_upload("course-1", u->id)->received, 1000);
  EXPECT_EQ(slurp(uploads_dir() + "/" + u->id), bytes.substr(0, 1000));
  // The rest completes it; a retried last chunk answers the same file.
  auto rest = service_->append(actor_, "course-1", u->id, 1000, 3000, bytes.substr(1000));
  ASSERT_TRUE(rest);
  ASSERT_TRUE(rest->completed);
  auto retried = service_->append(actor_, "course-1", u->id, 1000, 3000, bytes.substr(1000));
  ASSERT_TRUE(retried);
  EXPECT_TRUE(retried->repeated);
  EXPECT_FALSE(retried->completed);
  EXPECT_EQ(retried->upload.file_id, rest->completed->id);
  EXPECT_EQ(service_->list("course-1")->size(), 1u);
  EXPECT_EQ(service_->cancel_upload(actor_, "course-1", u->id).error().kind, ErrorKind::Conflict);
}

TEST_F(FilesTest, AC02_UploadsAndFilesAreFoundOnlyUnderTheirCourse) {
  auto done = upload("course-1", "a.mp4", mp4_bytes(2000));
  ASSERT_TRUE(done);
  const std::string file_id = done->completed->id;
  EXPECT_EQ(service_->get("course-2", file_id).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(service_->open("course-3", file_id).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(service_->remove(actor_, "course-2", file_id).error().kind, ErrorKind::NotFound);
  auto u = service_->begin_upload(actor_, "course-1", "b.mp4", 100);
  ASSERT_TRUE(u);
  EXPECT_EQ(service_->get_upload("course-2", u->id).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(service_->append(actor_, "course-2", u->id, 0, 100, mp4_bytes(100)).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(service_->cancel_upload(actor_, "course-2", u->id).error().kind, ErrorKind::NotFound);
  EXPECT_TRUE(service_->get("course-1", file_id));
  EXPECT_EQ(service_->begin_upload(actor_, "no-such-course", "c.mp4", 10).error().kind, ErrorKind::NotFound);
}

TEST_F(FilesTest, EqualContentInTwoCoursesIsStoredOnceAndRemovedWithItsLastRecord) {
  const std::string bytes = mp4_bytes(6000);
  auto a = upload("course-1", "intro.mp4", bytes);
  auto b = upload("course-3", "same video.mp4", bytes);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->completed->id, b->completed->id);
  EXPECT_EQ(a->completed->sha256, b->completed->sha256);
  EXPECT_EQ(disk_->list()->size(), 1u);
  // Each organisation's quota counts its own record.
  EXPECT_EQ(*service_->usage("org-1"), 6000);
  EXPECT_EQ(*service_->usage("org-2"), 6000);
  ASSERT_TRUE(service_->remove(actor_, "course-1", a->completed->id));
  EXPECT_TRUE(*disk_->exists(a->completed->sha256)) << "course-3 still uses the bytes";
  auto still = service_->open("course-3", b->completed->id);
  ASSERT_TRUE(still);
  EXPECT_EQ(read_all(still->blob), bytes);
  ASSERT_TRUE(service_->remove(actor_, "course-3", b->completed->id));
  EXPECT_FALSE(*disk_->exists(a->completed->sha256));
  EXPECT_EQ(*service_->usage("org-1"), 0);
  EXPECT_EQ(audit_->list({.action = "files.deleted"})->size(), 2u);
}

// DUR: bytes on disk past the recorded offset were never acknowledged (a
// crash between the write and the commit); a restart cuts them off and the
// upload resumes from the recorded offset, ending byte-identical.
TEST_F(FilesTest, RestartCutsTheUnacknowledgedTailAndResumes) {
  const std::string bytes = mp4_bytes(9000);
  auto u = service_->begin_upload(actor_, "course-1", "resume.mp4", 9000);
  ASSERT_TRUE(u);
  ASSERT_TRUE(service_->append(actor_, "course-1", u->id, 0, 9000, bytes.substr(0, 4000)));
  {
    std::ofstream tail(uploads_dir() + "/" + u->id, std::ios::binary | std::ios::app);
    tail << std::string(1234, 'Z');
  }
  service_ = make_service(limits_);  // the restart
  auto repaired = service_->recover();
  ASSERT_TRUE(repaired) << repaired.error().detail;
  EXPECT_EQ(std::filesystem::file_size(uploads_dir() + "/" + u->id), 4000u);
  auto status = service_->get_upload("course-1", u->id);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->received, 4000);
  auto done = service_->append(actor_, "course-1", u->id, 4000, 9000, bytes.substr(4000));
  ASSERT_TRUE(done);
  ASSERT_TRUE(done->completed);
  EXPECT_EQ(read_all(service_->open("course-1", done->completed->id)->blob), bytes);
  EXPECT_EQ(done->completed->sha256, sha256_hex(bytes));
}

TEST_F(FilesTest, ANextChunkAlsoCutsAnUnacknowledgedTail) {
  const std::string bytes = mp4_bytes(3000);
  auto u = service_->begin_upload(actor_, "course-1", "tail.mp4", 3000);
  ASSERT_TRUE(u);
  ASSERT_TRUE(service_->append(actor_, "course-1", u->id, 0, 3000, bytes.substr(0, 1000)));
  {
    std::ofstream tail(uploads_dir() + "/" + u->id, std::ios::binary | std::ios::app);
    tail << std::string(5000, 'Z');  // longer than the rest: overwriting alone would leave some
  }
  auto done = service_->append(actor_, "course-1", u->id, 1000, 3000, bytes.substr(1000));
  ASSERT_TRUE(done);
  ASSERT_TRUE(done->completed);
  EXPECT_EQ(read_all(service_->open("course-1", done->completed->id)->blob), bytes);
}

// A crash after the last byte was recorded and before the file was: the
// start-up repair finishes the completion, from the upload file or from the
// store if the bytes had already moved there.
TEST_F(FilesTest, RestartFinishesAnInterruptedCompletion) {
  for (bool moved : {false, true}) {
    SCOPED_TRACE(moved ? "bytes already in the store" : "bytes still in the upload file");
    const std::string bytes = mp4_bytes(moved ? 2500 : 2600);
    auto u = service_->begin_upload(actor_, "course-2", "crash.mp4", static_cast<int64_t>(bytes.size()));
    ASSERT_TRUE(u);
    ASSERT_TRUE(service_->append(actor_, "course-2", u->id, 0, u->size, bytes.substr(0, 1000)));
    // What append() does up to the crash: the bytes on disk, the offset recorded.
    const std::string path = uploads_dir() + "/" + u->id;
    {
      std::ofstream out(path, std::ios::binary | std::ios::app);
      out << bytes.substr(1000);
    }
    ASSERT_TRUE(store_->write([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(auto found, find_upload(tx, u->id));
      TRV_ASSIGN(std::string state, hash_more(found->second, bytes.substr(1000)));
      return advance_upload(tx, u->id, 1000, u->size, state, u->expires_at_ms);
    }));
    if (moved) {
      ASSERT_TRUE(disk_->put(path, sha256_hex(bytes)));
    }
    service_ = make_service(limits_);
    auto repaired = service_->recover();
    ASSERT_TRUE(repaired) << repaired.error().detail;
    EXPECT_EQ(repaired->completed_uploads, 1);
    EXPECT_EQ(repaired->orphan_blobs, 0) << "the pending completion's bytes are not orphans";
    auto status = service_->get_upload("course-2", u->id);
    ASSERT_TRUE(status);
    ASSERT_TRUE(status->file_id);
    EXPECT_EQ(read_all(service_->open("course-2", *status->file_id)->blob), bytes);
  }
}

TEST_F(FilesTest, RestartRemovesStoredBytesThatNoRecordUses) {
  const std::string bytes = mp4_bytes(1500);
  const std::string source = dir_ + "/orphan";
  std::ofstream(source, std::ios::binary) << bytes;
  ASSERT_TRUE(disk_->put(source, sha256_hex(bytes)));
  auto kept = upload("course-1", "kept.mp4", mp4_bytes(1700));
  ASSERT_TRUE(kept);
  auto repaired = service_->recover();
  ASSERT_TRUE(repaired);
  EXPECT_EQ(repaired->orphan_blobs, 1);
  EXPECT_FALSE(*disk_->exists(sha256_hex(bytes)));
  EXPECT_TRUE(*disk_->exists(kept->completed->sha256));
}

TEST_F(FilesTest, CancelledAndExpiredUploadsLeaveNothing) {
  auto cancelled = service_->begin_upload(actor_, "course-1", "a.mp4", 5000);
  ASSERT_TRUE(cancelled);
  ASSERT_TRUE(service_->append(actor_, "course-1", cancelled->id, 0, 5000, mp4_bytes(1000)));
  ASSERT_TRUE(service_->cancel_upload(actor_, "course-1", cancelled->id));
  EXPECT_EQ(service_->get_upload("course-1", cancelled->id).error().kind, ErrorKind::NotFound);

  auto idle = service_->begin_upload(actor_, "course-1", "b.mp4", 5000);
  ASSERT_TRUE(idle);
  ASSERT_TRUE(service_->append(actor_, "course-1", idle->id, 0, 5000, mp4_bytes(1000)));
  std::ofstream(uploads_dir() + "/stray-debris") << "left by a crash";
  clock_.advance(23 * 3600 * 1000);
  auto early = service_->sweep();
  ASSERT_TRUE(early);
  EXPECT_EQ(early->expired_uploads, 0);
  EXPECT_EQ(early->stray_temp_files, 1);
  EXPECT_EQ(*service_->usage("org-1"), 5000) << "an open upload holds its declared size";
  clock_.advance(2 * 3600 * 1000);
  EXPECT_EQ(service_->append(actor_, "course-1", idle->id, 1000, 5000, mp4_bytes(1000)).error().kind,
            ErrorKind::NotFound)
      << "an expired upload takes no more chunks";
  auto swept = service_->sweep();
  ASSERT_TRUE(swept);
  EXPECT_EQ(swept->expired_uploads, 1);
  EXPECT_EQ(count_files(uploads_dir()), 0u);
  EXPECT_EQ(*service_->usage("org-1"), 0);
  EXPECT_TRUE(service_->list("course-1")->empty());
}

// --- limits (FILE-01, FILE-02, FILE-09) -----------------------------------------

TEST_F(FilesTest, FILE02_TheDeclaredSizeIsCheckedAgainstTheFileLimit) {
  EXPECT_EQ(service_->begin_upload(actor_, "course-1", "big.mp4", limits_.max_file_bytes + 1).error().kind,
            ErrorKind::PayloadTooLarge);
  EXPECT_TRUE(service_->begin_upload(actor_, "course-1", "max.mp4", limits_.max_file_bytes));
  EXPECT_EQ(service_->begin_upload(actor_, "course-1", "empty.mp4", 0).error().kind, ErrorKind::Invalid);
}

TEST_F(FilesTest, FILE09_TheOrganisationQuotaCountsFilesAndOpenUploads) {
  Limits small = limits_;
  small.organisation_quota_bytes = 10'000;
  service_ = make_service(small);
  auto first = upload("course-1", "a.mp4", mp4_bytes(6000));
  ASSERT_TRUE(first);
  auto open = service_->begin_upload(actor_, "course-2", "b.mp4", 3000);
  ASSERT_TRUE(open);
  // 6000 recorded + 3000 reserved: 1001 more does not fit, in any course of org-1.
  auto refused = service_->begin_upload(actor_, "course-1", "c.mp4", 1001);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::PayloadTooLarge);
  EXPECT_TRUE(service_->begin_upload(actor_, "course-3", "c.mp4", 9000)) << "another organisation's quota";
  ASSERT_TRUE(service_->cancel_upload(actor_, "course-2", open->id));
  EXPECT_TRUE(service_->begin_upload(actor_, "course-1", "c.mp4", 4000));
}

TEST_F(FilesTest, FILE09_AQuotaLoweredMeanwhileRefusesTheCompletionAndKeepsNothing) {
  auto u = service_->begin_upload(actor_, "course-1", "a.mp4", 3000);
  ASSERT_TRUE(u);
  ASSERT_TRUE(service_->append(actor_, "course-1", u->id, 0, 3000, mp4_bytes(3000).substr(0, 1000)));
  ASSERT_TRUE(upload("course-2", "b.mp4", mp4_bytes(2000)));
  Limits lowered = limits_;
  lowered.organisation_quota_bytes = 4000;
  service_ = make_service(lowered);
  auto last = service_->append(actor_, "course-1", u->id, 1000, 3000, mp4_bytes(3000).substr(1000));
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error().kind, ErrorKind::PayloadTooLarge);
  EXPECT_EQ(service_->get_upload("course-1", u->id).error().kind, ErrorKind::NotFound);
  EXPECT_TRUE(service_->list("course-1")->empty());
  EXPECT_EQ(count_files(uploads_dir()), 0u);
  EXPECT_EQ(disk_->list()->size(), 1u) << "only b.mp4's bytes";
}

// --- the type check (FILE-03, FILE-08) --------------------------------------------

struct TypeCase {
  std::string name;
  std::string content;
  std::string expected;  // media type, or "" when refused
};

TEST_F(FilesTest, FILE03_TheTypeComesFromTheContentAndMustMatchTheExtension) {
  const std::string html = "<!doctype html><html><body><script>alert(document.cookie)</script></body></html>";
  const std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
  const std::vector<TypeCase> cases = {
      {"clip.mp4", mp4_bytes(3000), "video/mp4"},
      {"dot.gif", gif_bytes(), "image/gif"},
      {"subtitles.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour \xC3\xA0 tous\n", "text/vtt; charset=utf-8"},
      {"notes.txt", "Read chapter 2 before Monday.\n", "text/plain; charset=utf-8"},
      {"slides.pdf", "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"},
      // An HTML page named like a video, and a GIF/HTML polyglot.
      {"lecture.mp4", html, ""},
      {"cat.gif", "GIF89a<html><script>alert(1)</script></html>", ""},
      {"logo.png", svg, ""},
      {"cat.gif", mp4_bytes(2000), ""},
      // Subtitles without the WebVTT signature, and text that is not UTF-8.
      {"subtitles.vtt", "1\n00:00:00,000 --> 00:00:01,000\nHello\n", ""},
      {"notes.txt",
       "Caf\xE9 cr\xE8me, na\xEFve fa\xE7ons \xE0 la fran\xE7"
       "aise, tr\xE8s bien.\n",
       ""},
  };
  int64_t accepted_bytes = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name + " -> " + (c.expected.empty() ? "refused" : c.expected));
    if (!c.expected.empty()) accepted_bytes += static_cast<int64_t>(c.content.size());
    auto done = upload("course-1", c.name, c.content);
    if (c.expected.empty()) {
      ASSERT_FALSE(done);
      EXPECT_EQ(done.error().kind, ErrorKind::UnsupportedMediaType);
    } else {
      ASSERT_TRUE(done) << done.error().detail;
      EXPECT_EQ(done->completed->media_type, c.expected);
    }
  }
  // Nothing partial of a refused file: no record, no bytes, no upload left.
  EXPECT_EQ(service_->list("course-1")->size(), 5u);
  EXPECT_EQ(disk_->list()->size(), 5u);
  EXPECT_EQ(count_files(uploads_dir()), 0u);
  EXPECT_EQ(*service_->usage("org-1"), accepted_bytes);
}

TEST_F(FilesTest, FILE03_ActiveContentIsRefusedByItsExtensionBeforeAnyByte) {
  for (const char* name : {"page.html", "image.svg", "feed.xml", "run.sh", "setup.exe", "noextension", "dot."}) {
    auto u = service_->begin_upload(actor_, "course-1", name, 100);
    ASSERT_FALSE(u) << name;
    EXPECT_EQ(u.error().kind, ErrorKind::UnsupportedMediaType) << name;
  }
  EXPECT_TRUE(service_->begin_upload(actor_, "course-1", "UPPER.MP4", 100)) << "extensions ignore case";
}

TEST_F(FilesTest, NamesAreFileNamesOfPrintableUtf8) {
  for (const std::string& name : {std::string("../../etc/x.mp4"), std::string("a\\b.mp4"), std::string("a\nb.mp4"),
                                  std::string("bad\xFF.mp4"), std::string(300, 'a') + ".mp4"}) {
    auto u = service_->begin_upload(actor_, "course-1", name, 100);
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error().kind, ErrorKind::Invalid);
  }
  EXPECT_TRUE(service_->begin_upload(actor_, "course-1",
                                     "Cours n\xC2\xB0"
                                     "1 \xE2\x80\x94 r\xC3\xA9sum\xC3\xA9.pdf",
                                     100));
}

TEST_F(FilesTest, InlineOnlyForMediaAndDocumentsMeantToBeViewed) {
  EXPECT_TRUE(shown_inline("video/mp4"));
  EXPECT_TRUE(shown_inline("audio/mpeg"));
  EXPECT_TRUE(shown_inline("image/png"));
  EXPECT_TRUE(shown_inline("application/pdf"));
  EXPECT_TRUE(shown_inline("text/vtt; charset=utf-8"));
  EXPECT_FALSE(shown_inline("text/plain; charset=utf-8"));
  EXPECT_FALSE(shown_inline("application/zip"));
}

TEST_F(FilesTest, TheHashStateSurvivesASaveBetweenChunks) {
  const std::string bytes = mp4_bytes(100'000);
  std::string state = initial_hash_state();
  for (size_t at = 0; at < bytes.size(); at += 777) {
    auto next = hash_more(state, std::string_view(bytes).substr(at, 777));
    ASSERT_TRUE(next);
    state = *next;
  }
  EXPECT_EQ(*hash_digest(state), sha256_hex(bytes));
  EXPECT_FALSE(hash_more("bm90IGEgc3RhdGU=", "x")) << "a corrupt state is an error, not a wrong hash";
}

}  // namespace
}  // namespace trivium::files
