# Writes a C++ file holding schema/migrations/<backend>/*.sql, so the binary needs no schema
# files at run time. Called with -DSCHEMA_DIR=... -DOUTPUT=...
set(body "")
foreach(backend sqlite postgresql)
  file(GLOB files ${SCHEMA_DIR}/${backend}/*.sql)
  list(SORT files)
  set(entries "")
  foreach(f ${files})
    get_filename_component(name ${f} NAME_WE)
    file(READ ${f} sql)
    string(APPEND entries "    {\"${name}\", R\"sbsql(${sql})sbsql\"},\n")
  endforeach()
  string(APPEND body "  if (backend == \"${backend}\") return {\n${entries}  };\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from schema/migrations by embed_migrations.cmake; do not edit.
#include \"storage/migrations.h\"

namespace sb::storage {

std::vector<switchboard::Migration> kernelMigrations(const std::string& backend) {
${body}  return {};
}

}  // namespace sb::storage
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
