// Internals of the store shared by its implementation files (db.cpp,
// db_sqlite.cpp, db_pg.cpp, migrate.cpp) and its tests. Modules never include
// this header: they see only core/db.h.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/db.h"
#include "core/migrations.h"

namespace trivium::db {

// A transaction that can also run a text holding several statements and no
// parameters. Only the migration runner needs this, so it stays out of Tx.
class ScriptTx : public Tx {
 public:
  virtual Result<void> exec_script(std::string_view sql) = 0;
};

// Both throw std::runtime_error when the store cannot be opened.
std::unique_ptr<Store> open_sqlite_store(const std::string& path, const StoreConfig& config);
std::unique_ptr<Store> open_pg_store(const StoreConfig& config);

// Rewrites PostgreSQL-style parameters ($1) into SQLite's numbered form (?1),
// leaving text inside '...' literals, "..." identifiers and comments alone.
std::string rewrite_params(std::string_view sql);

// The migration runner over an explicit list of files, so tests can feed it
// their own; migrate() and migration_status() pass migration_files().
Result<MigrationStatus> migrate_files(Store& store, const std::vector<MigrationFile>& files);
Result<MigrationStatus> migration_status_files(Store& store, const std::vector<MigrationFile>& files);

// TEST_ hook: the number of write jobs queued and not yet taken by the
// SQLite writer thread; -1 for a store that has no writer queue.
int64_t TEST_pending_writes(Store& store);

}  // namespace trivium::db
