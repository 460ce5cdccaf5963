# Writes a C++ file holding <SCHEMA_DIR>/<backend>/*.sql as a function
#   std::vector<switchboard::Migration> <NAMESPACE>::<FUNCTION>(const std::string& backend)
# so binaries need no schema files at run time. Script mode:
#   cmake -DSCHEMA_DIR=... -DOUTPUT=... -DNAMESPACE=... -DFUNCTION=... -P embed_migrations.cmake
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
file(WRITE ${OUTPUT}.tmp "// Generated from ${SCHEMA_DIR} by embed_migrations.cmake (Switchboard SDK); do not edit.
#include <string>
#include <vector>

#include \"switchboard/store.h\"

namespace ${NAMESPACE} {

std::vector<switchboard::Migration> ${FUNCTION}(const std::string& backend) {
${body}  return {};
}

}  // namespace ${NAMESPACE}
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
