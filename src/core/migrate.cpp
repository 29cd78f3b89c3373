// The migration runner. Migrations are the files migrations/NNNN_name.sql
// compiled into the binary (core/migrations.h); NNNN_name.sqlite.sql or
// NNNN_name.pg.sql replaces the common file for one dialect. Each pending
// migration runs in its own write transaction together with the row that
// records it in schema_migrations, so a migration is applied entirely or not
// at all, and a crash between two leaves a consistent version behind.
#include <array>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/db_internal.h"

namespace trivium::db {

namespace {

enum Variant { kCommon = 0, kSqliteOnly = 1, kPgOnly = 2 };

struct Planned {
  int version;
  std::string name;
  std::string_view sql;
};

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

// On PostgreSQL, servers starting together take this transaction-scoped
// lock, so one applies a migration while the others wait and then see it
// recorded. On SQLite, BEGIN IMMEDIATE already serialises writers.
constexpr std::string_view kMigrationLock = "SELECT pg_advisory_xact_lock(7385957331204961)";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "0002_identity.pg.sql" -> version 2, kPgOnly; nullopt if not NNNN_name.
std::optional<std::pair<int, Variant>> parse_name(std::string_view name) {
  size_t digits = 0;
  while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
  if (digits == 0 || digits > 9 || digits >= name.size() || name[digits] != '_') {
    return std::nullopt;
  }
  const int version = std::stoi(std::string(name.substr(0, digits)));
  if (ends_with(name, ".sqlite.sql")) return std::pair{version, kSqliteOnly};
  if (ends_with(name, ".pg.sql")) return std::pair{version, kPgOnly};
  if (ends_with(name, ".sql")) return std::pair{version, kCommon};
  return std::nullopt;
}

// The migrations of `dialect` in version order. A version that has only the
// other dialect's file is recorded with no statement, so versions stay the
// same on both databases.
Result<std::vector<Planned>> plan(const std::vector<MigrationFile>& files, Dialect dialect) {
  std::map<int, std::array<const MigrationFile*, 3>> by_version;
  for (const MigrationFile& f : files) {
    auto parsed = parse_name(f.name);
    if (!parsed) {
      return fail(ErrorKind::Internal, "migration file " + std::string(f.name) + " is not named NNNN_name.sql");
    }
    auto& slot = by_version[parsed->first][parsed->second];
    if (slot) {
      return fail(ErrorKind::Internal,
                  "two migration files for one version: " + std::string(slot->name) + ", " + std::string(f.name));
    }
    slot = &f;
  }
  const Variant own = dialect == Dialect::Sqlite ? kSqliteOnly : kPgOnly;
  const Variant other = dialect == Dialect::Sqlite ? kPgOnly : kSqliteOnly;
  std::vector<Planned> out;
  for (const auto& [version, slots] : by_version) {
    if (const MigrationFile* f = slots[own] ? slots[own] : slots[kCommon]) {
      out.push_back({version, std::string(f->name), f->sql});
    } else {
      out.push_back({version, std::string(slots[other]->name), {}});
    }
  }
  return out;
}

Failure newer_than_binary(int64_t database, int binary) {
  return fail(ErrorKind::Conflict, "database schema version " + std::to_string(database) +
                                       " is newer than this binary (" + std::to_string(binary) + "); upgrade Trivium");
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Result<void> lock_if_pg(Tx& tx) {
  if (tx.dialect() == Dialect::Postgres) TRV_TRY(tx.query(kMigrationLock));
  return ok();
}

Result<bool> table_exists(Tx& tx) {
  const std::string_view sql = tx.dialect() == Dialect::Sqlite
                                   ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                                     "'schema_migrations'"
                                   : "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
                                     "AND tablename = 'schema_migrations'";
  TRV_ASSIGN(auto row, tx.one(sql));
  return row && row->i64(0) > 0;
}

Result<std::set<int>> applied_versions(Store& store) {
  std::set<int> versions;
  TRV_TRY(store.read([&](Tx& tx) -> Result<void> {
    versions.clear();
    TRV_ASSIGN(bool exists, table_exists(tx));
    if (!exists) return ok();
    TRV_ASSIGN(Rows rows, tx.query("SELECT version FROM schema_migrations"));
    for (const Row& r : rows) versions.insert(static_cast<int>(r.i64(0)));
    return ok();
  }));
  return versions;
}

Result<void> create_table(Store& store) {
  return store.write([](Tx& tx) -> Result<void> {
    TRV_TRY(lock_if_pg(tx));
    TRV_TRY(tx.exec(kCreateTable));
    return ok();
  });
}

// Applies one migration unless another process did meanwhile; returns
// whether this call applied it.
Result<bool> apply(Store& store, const Planned& m, int binary) {
  bool applied = false;
  auto written = store.write([&](Tx& tx) -> Result<void> {
    applied = false;  // the function runs again when PostgreSQL retries it
    TRV_TRY(lock_if_pg(tx));
    TRV_ASSIGN(auto seen, tx.one("SELECT (SELECT count(*) FROM schema_migrations WHERE version = "
                                 "$1), (SELECT max(version) FROM schema_migrations)",
                                 {m.version}));
    if (seen->i64(0) > 0) return ok();
    if (seen->i64(1) > binary) return newer_than_binary(seen->i64(1), binary);
    auto* script = dynamic_cast<ScriptTx*>(&tx);
    if (!script) return fail(ErrorKind::Internal, "this store cannot run migration scripts");
    TRV_TRY(script->exec_script(m.sql));
    TRV_TRY(tx.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    {m.version, m.name, now_ms()}));
    applied = true;
    return ok();
  });
  if (!written) {
    Error e = std::move(written).error();
    if (e.detail.find("is newer than this binary") == std::string::npos) {
      e.detail = "migration " + m.name + " failed: " + e.detail;
    }
    spdlog::error("store: {}", e.detail);
    return fail(std::move(e));
  }
  return applied;
}

}  // namespace

Result<MigrationStatus> migration_status_files(Store& store, const std::vector<MigrationFile>& files) {
  TRV_ASSIGN(std::vector<Planned> planned, plan(files, store.dialect()));
  TRV_ASSIGN(std::set<int> applied, applied_versions(store));
  MigrationStatus status;
  status.binary_version = planned.empty() ? 0 : planned.back().version;
  status.database_version = applied.empty() ? 0 : *applied.rbegin();
  return status;
}

Result<MigrationStatus> migrate_files(Store& store, const std::vector<MigrationFile>& files) {
  TRV_ASSIGN(std::vector<Planned> planned, plan(files, store.dialect()));
  const int binary = planned.empty() ? 0 : planned.back().version;
  TRV_ASSIGN(std::set<int> applied, applied_versions(store));
  if (!applied.empty() && *applied.rbegin() > binary) {
    return newer_than_binary(*applied.rbegin(), binary);
  }
  if (applied.empty()) TRV_TRY(create_table(store));
  MigrationStatus status;
  for (const Planned& m : planned) {
    if (applied.count(m.version)) continue;
    TRV_ASSIGN(bool now, apply(store, m, binary));
    if (!now) continue;
    spdlog::info("store: applied migration {}", m.name);
    status.applied_now.push_back(m.name);
  }
  TRV_ASSIGN(MigrationStatus after, migration_status_files(store, files));
  status.database_version = after.database_version;
  status.binary_version = binary;
  return status;
}

Result<MigrationStatus> migrate(Store& store) {
  return migrate_files(store, migration_files());
}

Result<MigrationStatus> migration_status(Store& store) {
  return migration_status_files(store, migration_files());
}

}  // namespace trivium::db
