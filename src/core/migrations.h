// Access to the migration texts compiled into the binary.
#pragma once
#include <string_view>
#include <vector>

namespace trivium::db {
struct MigrationFile {
  std::string_view name;  // "0001_core.sql", "0002_identity.pg.sql"
  std::string_view sql;
};
const std::vector<MigrationFile>& migration_files();
}  // namespace trivium::db
