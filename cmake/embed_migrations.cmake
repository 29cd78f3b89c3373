# Writes a C++ file holding every migrations/*.sql text, sorted by name.
# A file "NNNN_name.sql" applies to both dialects; "NNNN_name.sqlite.sql" or
# "NNNN_name.pg.sql" replaces it for one dialect.
file(GLOB files ${DIR}/*.sql)
list(SORT files)
set(body "// Generated from migrations/*.sql by cmake/embed_migrations.cmake. Do not edit.\n#include \"core/migrations.h\"\nnamespace trivium::db {\nconst std::vector<MigrationFile>& migration_files() {\n  static const std::vector<MigrationFile> files = {\n")
foreach(f IN LISTS files)
  get_filename_component(name ${f} NAME)
  file(READ ${f} text)
  set(body "${body}    {\"${name}\", R\"trvsql(${text})trvsql\"},\n")
endforeach()
set(body "${body}  };\n  return files;\n}\n}  // namespace trivium::db\n")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
