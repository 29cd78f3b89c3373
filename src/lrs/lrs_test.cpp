// The LRS's storage rules on both stores: ids and conflicts, voiding, the
// query filters and paging, StatementRef inheritance, documents with their
// concurrency rules, clients and their credentials.

#include <gtest/gtest.h>

#include <filesystem>

#include "core/test_store.h"
#include "lrs/internal.h"

namespace trivium::lrs {
namespace {

bj::object statement(const std::string& email, const std::string& verb, const std::string& activity,
                     std::optional<std::string> id = std::nullopt) {
  bj::object st{
      {"actor", bj::object{{"objectType", "Agent"}, {"name", email}, {"mbox", "mailto:" + email}}},
      {"verb", bj::object{{"id", "http://adlnet.gov/expapi/verbs/" + verb}, {"display", bj::object{{"en-US", verb}}}}},
      {"object", bj::object{{"objectType", "Activity"},
                            {"id", activity},
                            {"definition", bj::object{{"name", bj::object{{"en-US", "A lesson"}}}}}}}};
  if (id) st["id"] = *id;
  return st;
}

std::string key_of(const std::string& email) {
  return "mbox:mailto:" + email;
}

class LrsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trivium-lrs-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = trivium::testing::open_test_store(dir_ + "/lrs.db");
    ASSERT_TRUE(store_);
    ASSERT_TRUE(store_->write([](db::Tx& tx) -> Result<void> {
      for (const char* id : {"org-1", "org-2"}) {
        TRV_TRY(
            tx.exec("INSERT INTO organisations (id, slug, name, kind, created_at, updated_at)"
                    " VALUES ($1, $1, $1, 'company', 0, 0)",
                    {id}));
      }
      return ok();
    }));
    audit_ = std::make_unique<audit::AuditLog>(*store_, clock_);
    service_ = std::make_unique<Service>(*store_, clock_, *audit_, "https://lrs.example");
    auto created = service_->create_client(admin_, "org-1", "Authoring tool", {"all"});
    ASSERT_TRUE(created) << created.error().detail;
    client_ = created->client;
  }
  void TearDown() override {
    service_.reset();
    if (store_) store_->close();
    std::filesystem::remove_all(dir_);
  }

  Service::Impl& im() { return service_->impl(); }
  Authority authority() { return Authority{client_.id, im().client_authority(client_)}; }

  Result<std::vector<std::string>> write(std::vector<bj::object> statements, const std::string& org = "org-1") {
    std::vector<bj::object> checked;
    for (auto& st : statements) {
      auto c = xapi::check_statement(st, xapi::Version::V2_0);
      if (!c) return c.failure();
      checked.push_back(std::move(*c));
    }
    return im().write_statements(org, authority(), std::move(checked), {}, xapi::Version::V2_0);
  }

  std::vector<std::string> ids_of(const StatementQuery& q, const std::string& org = "org-1") {
    auto page = im().query(org, q);
    EXPECT_TRUE(page) << (page ? "" : page.error().detail);
    std::vector<std::string> ids;
    if (!page) return ids;
    for (const auto& s : page->statements) {
      ids.push_back(bj::parse(s.body).at("id").as_string().c_str());
    }
    return ids;
  }

  std::string dir_;
  ManualClock clock_{1'800'000'000'000};
  std::unique_ptr<db::Store> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<Service> service_;
  Client client_;
  Actor admin_{"admin-1", "127.0.0.1", "req-1"};
};

const std::string kA = "11111111-1111-4111-8111-111111111111";
const std::string kB = "22222222-2222-4222-8222-222222222222";
const std::string kC = "33333333-3333-4333-8333-333333333333";

TEST_F(LrsTest, StoredStatementsGetIdStoredAuthorityAndVersion) {
  auto ids = write({statement("ann@example.org", "experienced", "https://trivium.example/a/1")});
  ASSERT_TRUE(ids) << ids.error().detail;
  ASSERT_EQ(ids->size(), 1u);
  auto got = im().statement_by_id("org-1", ids->front(), false);
  ASSERT_TRUE(got && *got);
  auto body = bj::parse((*got)->body).as_object();
  EXPECT_EQ(body.at("id").as_string(), ids->front());
  EXPECT_EQ(body.at("stored").as_string(), "2027-01-15T08:00:00.000Z");
  EXPECT_EQ(body.at("timestamp").as_string(), body.at("stored").as_string());
  EXPECT_EQ(body.at("version").as_string(), "2.0.0");
  EXPECT_EQ(body.at("authority").at("account").at("name").as_string(), "client:" + client_.key);
}

TEST_F(LrsTest, TheSameStatementAgainIsAcceptedADifferentOneUnderItsIdIsAConflict) {
  ASSERT_TRUE(write({statement("ann@example.org", "experienced", "https://t.example/a", kA)}));
  auto again = write({statement("ann@example.org", "experienced", "https://t.example/a", kA)});
  ASSERT_TRUE(again) << again.error().detail;
  auto other = write({statement("ann@example.org", "completed", "https://t.example/a", kA)});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(ids_of({}).size(), 1u);
}

TEST_F(LrsTest, ABatchIsAllOrNothing) {
  ASSERT_TRUE(write({statement("ann@example.org", "experienced", "https://t.example/a", kA)}));
  auto batch = write({statement("bob@example.org", "experienced", "https://t.example/a", kB),
                      statement("ann@example.org", "completed", "https://t.example/a", kA)});
  ASSERT_FALSE(batch);
  EXPECT_EQ(batch.error().kind, ErrorKind::Conflict);
  auto b = im().statement_by_id("org-1", kB, false);
  ASSERT_TRUE(b);
  EXPECT_FALSE(*b) << "the first statement of a refused batch must not be kept";
  auto dup = write({statement("bob@example.org", "experienced", "https://t.example/a", kC),
                    statement("bob@example.org", "experienced", "https://t.example/b", kC)});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind, ErrorKind::BadRequest);
}

TEST_F(LrsTest, FiltersByAgentVerbActivityAndRegistration) {
  auto reg = "44444444-4444-4444-8444-444444444444";
  auto with_reg = statement("ann@example.org", "completed", "https://t.example/b");
  with_reg["context"] = bj::object{{"registration", reg}};
  ASSERT_TRUE(write({statement("ann@example.org", "experienced", "https://t.example/a", kA),
                     statement("bob@example.org", "experienced", "https://t.example/a", kB), with_reg}));
  StatementQuery by_agent;
  by_agent.agent_key = key_of("ann@example.org");
  EXPECT_EQ(ids_of(by_agent).size(), 2u);
  StatementQuery by_both = by_agent;
  by_both.activity = "https://t.example/a";
  EXPECT_EQ(ids_of(by_both), std::vector<std::string>{kA});
  StatementQuery by_verb;
  by_verb.verb = "http://adlnet.gov/expapi/verbs/experienced";
  EXPECT_EQ(ids_of(by_verb).size(), 2u);
  StatementQuery by_reg;
  by_reg.registration = reg;
  ASSERT_EQ(ids_of(by_reg).size(), 1u);
  StatementQuery other_org;
  other_org.agent_key = key_of("ann@example.org");
  EXPECT_TRUE(ids_of(other_org, "org-2").empty()) << "an organisation never sees another's statements";
}

TEST_F(LrsTest, RelatedFiltersLookIntoContextAndAuthority) {
  auto st = statement("ann@example.org", "experienced", "https://t.example/lesson", kA);
  st["context"] = bj::object{
      {"instructor", bj::object{{"mbox", "mailto:tina@example.org"}}},
      {"contextActivities", bj::object{{"parent", bj::array{bj::object{{"id", "https://t.example/course"}}}}}}};
  ASSERT_TRUE(write({st}));
  StatementQuery direct;
  direct.activity = "https://t.example/course";
  EXPECT_TRUE(ids_of(direct).empty());
  StatementQuery related = direct;
  related.related_activities = true;
  EXPECT_EQ(ids_of(related), std::vector<std::string>{kA});
  StatementQuery instructor;
  instructor.agent_key = key_of("tina@example.org");
  EXPECT_TRUE(ids_of(instructor).empty());
  instructor.related_agents = true;
  EXPECT_EQ(ids_of(instructor), std::vector<std::string>{kA});
}

TEST_F(LrsTest, VoidedStatementsLeaveQueriesAndAreReadOnlyByVoidedId) {
  ASSERT_TRUE(write({statement("ann@example.org", "experienced", "https://t.example/a", kA)}));
  bj::object voiding{{"actor", bj::object{{"mbox", "mailto:admin@example.org"}}},
                     {"verb", bj::object{{"id", std::string(kVoided)}}},
                     {"object", bj::object{{"objectType", "StatementRef"}, {"id", kA}}},
                     {"id", kB}};
  ASSERT_TRUE(write({voiding}));
  auto plain = im().statement_by_id("org-1", kA, false);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(*plain);
  auto voided = im().statement_by_id("org-1", kA, true);
  ASSERT_TRUE(voided);
  EXPECT_TRUE(*voided);
  // The voiding statement is found by the filters that found the voided one.
  StatementQuery by_activity;
  by_activity.activity = "https://t.example/a";
  EXPECT_EQ(ids_of(by_activity), std::vector<std::string>{kB});
  // A voiding statement cannot itself be voided.
  bj::object again{{"actor", bj::object{{"mbox", "mailto:admin@example.org"}}},
                   {"verb", bj::object{{"id", std::string(kVoided)}}},
                   {"object", bj::object{{"objectType", "StatementRef"}, {"id", kB}}}};
  auto refused = write({again});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::BadRequest);
}

TEST_F(LrsTest, AVoidingStatementThatArrivesFirstStillVoids) {
  bj::object voiding{{"actor", bj::object{{"mbox", "mailto:admin@example.org"}}},
                     {"verb", bj::object{{"id", std::string(kVoided)}}},
                     {"object", bj::object{{"objectType", "StatementRef"}, {"id", kA}}}};
  ASSERT_TRUE(write({voiding}));
  ASSERT_TRUE(write({statement("ann@example.org", "experienced", "https://t.example/a", kA)}));
  auto plain = im().statement_by_id("org-1", kA, false);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(*plain);
}

TEST_F(LrsTest, PagesFollowEachOtherWithoutGapsOrRepeats) {
  std::vector<bj::object> batch;
  for (int i = 0; i < 25; ++i) batch.push_back(statement("ann@example.org", "experienced", "https://t.example/a"));
  ASSERT_TRUE(write(batch));
  for (bool ascending : {false, true}) {
    StatementQuery q;
    q.limit = 10;
    q.ascending = ascending;
    std::vector<int64_t> seen;
    for (int page_no = 0; page_no < 5; ++page_no) {
      auto page = im().query("org-1", q);
      ASSERT_TRUE(page);
      for (const auto& s : page->statements) seen.push_back(s.seq);
      if (!page->more) break;
      // Written after the first page: not part of this result set.
      if (page_no == 0) {
        ASSERT_TRUE(write({statement("late@example.org", "experienced", "https://t.example/a")}));
      }
      q.after_seq = page->statements.back().seq;
      q.through_seq = page->through_seq;
    }
    // The second pass also sees the statement the first one added late.
    ASSERT_EQ(seen.size(), ascending ? 26u : 25u);
    for (size_t i = 1; i < seen.size(); ++i) EXPECT_EQ(ascending, seen[i] > seen[i - 1]);
  }
}

TEST_F(LrsTest, SinceAndUntilUseTheStoredTime) {
  ASSERT_TRUE(write({statement("ann@example.org", "experienced", "https://t.example/a", kA)}));
  const int64_t between = clock_.now_ms();
  clock_.set(between + 1000);
  ASSERT_TRUE(write({statement("ann@example.org", "experienced", "https://t.example/a", kB)}));
  StatementQuery since;
  since.since_ms = between;
  EXPECT_EQ(ids_of(since), std::vector<std::string>{kB});
  StatementQuery until;
  until.until_ms = between;
  EXPECT_EQ(ids_of(until), std::vector<std::string>{kA});
}

TEST_F(LrsTest, ActivityDefinitionsAndAgentNamesAreKept) {
  auto st = statement("ann@example.org", "experienced", "https://t.example/a");
  ASSERT_TRUE(write({st}));
  auto activity = im().activity("org-1", "https://t.example/a");
  ASSERT_TRUE(activity);
  EXPECT_EQ(activity->at("definition").at("name").at("en-US").as_string(), "A lesson");
  auto unknown = im().activity("org-1", "https://t.example/none");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(unknown->contains("definition"));
  auto person = im().person("org-1", bj::object{{"mbox", "mailto:ann@example.org"}});
  ASSERT_TRUE(person);
  EXPECT_EQ(person->at("name").as_array().at(0).as_string(), "ann@example.org");
}

TEST_F(LrsTest, DocumentsReplaceMergeAndHonourETags) {
  DocumentKey key{"state", "https://t.example/a", key_of("ann@example.org"), "", "bookmark"};
  auto etag = im().put_document("org-1", key, "application/json", R"({"page":1})", false, {});
  ASSERT_TRUE(etag);
  auto merged = im().put_document("org-1", key, "application/json", R"({"time":30})", true, {});
  ASSERT_TRUE(merged);
  auto doc = im().get_document("org-1", key);
  ASSERT_TRUE(doc && *doc);
  EXPECT_EQ(bj::parse((*doc)->content), bj::parse(R"({"page":1,"time":30})"));
  EXPECT_EQ((*doc)->etag, *merged);
  // If-Match with a stale tag fails; with the current one succeeds.
  Preconditions stale;
  stale.if_match = *etag;
  auto refused = im().put_document("org-1", key, "text/plain", "x", false, stale);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::PreconditionFailed);
  Preconditions current;
  current.if_match = *merged;
  EXPECT_TRUE(im().put_document("org-1", key, "text/plain", "x", false, current));
  // Merging into a document that is not a JSON object is refused.
  auto bad_merge = im().put_document("org-1", key, "application/json", R"({"a":1})", true, {});
  ASSERT_FALSE(bad_merge);
  EXPECT_EQ(bad_merge.error().kind, ErrorKind::BadRequest);
  // If-None-Match: * refuses to overwrite.
  Preconditions create_only;
  create_only.if_none_match = "*";
  auto exists = im().put_document("org-1", key, "text/plain", "y", false, create_only);
  ASSERT_FALSE(exists);
  EXPECT_EQ(exists.error().kind, ErrorKind::PreconditionFailed);
  // Profiles in 1.0.x: replacing without a precondition is a conflict.
  DocumentKey profile{"activity_profile", "https://t.example/a", "", "", "p"};
  ASSERT_TRUE(im().put_document("org-1", profile, "text/plain", "v1", false, {}));
  Preconditions strict;
  strict.require_for_existing = true;
  auto conflict = im().put_document("org-1", profile, "text/plain", "v2", false, strict);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().kind, ErrorKind::Conflict);
}

TEST_F(LrsTest, DocumentListsAndDeletes) {
  DocumentKey key{"state", "https://t.example/a", key_of("ann@example.org"), "", ""};
  for (const char* id : {"s1", "s2"}) {
    key.document_id = id;
    ASSERT_TRUE(im().put_document("org-1", key, "text/plain", id, false, {}));
    clock_.set(clock_.now_ms() + 1000);
  }
  key.document_id.clear();
  auto all = im().list_documents("org-1", key, std::nullopt);
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, (std::vector<std::string>{"s1", "s2"}));
  auto recent = im().list_documents("org-1", key, clock_.now_ms() - 1500);
  ASSERT_TRUE(recent);
  EXPECT_EQ(*recent, std::vector<std::string>{"s2"});
  auto other_org = im().list_documents("org-2", key, std::nullopt);
  ASSERT_TRUE(other_org);
  EXPECT_TRUE(other_org->empty());
  auto n = im().delete_documents("org-1", key);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2);
}

TEST_F(LrsTest, ClientsAuthenticateUntilRevoked) {
  auto created = service_->create_client(admin_, "org-1", "Reporting", {"statements/read"});
  ASSERT_TRUE(created);
  auto good = service_->authenticate(created->client.key, created->secret);
  ASSERT_TRUE(good);
  EXPECT_EQ(good->organisation_id, "org-1");
  EXPECT_EQ(good->scopes, std::vector<std::string>{"statements/read"});
  auto wrong = service_->authenticate(created->client.key, created->secret + "x");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind, ErrorKind::Unauthenticated);
  ASSERT_TRUE(service_->revoke_client(admin_, "org-1", created->client.id));
  auto revoked = service_->authenticate(created->client.key, created->secret);
  ASSERT_FALSE(revoked);
  auto bad_scope = service_->create_client(admin_, "org-1", "X", {"root"});
  ASSERT_FALSE(bad_scope);
  EXPECT_EQ(bad_scope.error().kind, ErrorKind::Invalid);
  auto listed = service_->list_clients("org-1");
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 2u);
  auto other = service_->revoke_client(admin_, "org-2", created->client.id);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().kind, ErrorKind::NotFound);
}

TEST_F(LrsTest, TriviumRecordsItsOwnEventsInTheCallersTransaction) {
  const std::string json = bj::serialize(statement("ann@example.org", "completed", "https://t.example/a", kA));
  // A failing caller transaction keeps none of its statements.
  auto failed = store_->write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(service_->record(tx, {Event{"org-1", json}}));
    return fail(ErrorKind::Conflict, "the caller changed its mind");
  });
  ASSERT_FALSE(failed);
  EXPECT_TRUE(ids_of({}).empty());
  auto done = store_->write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(service_->record(tx, {Event{"org-1", json}}));
    return ok();
  });
  ASSERT_TRUE(done) << done.error().detail;
  auto got = im().statement_by_id("org-1", kA, false);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ(bj::parse((*got)->body).at("authority").at("account").at("name").as_string(), "trivium");
}

}  // namespace
}  // namespace trivium::lrs
