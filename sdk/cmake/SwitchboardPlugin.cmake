# switchboard_add_plugin(<name> <sources>...): builds <name>.so, loadable by the kernel as
# `library: <name>`. Symbols are hidden but for the SDK's exported factory and ABI version.
function(switchboard_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE Switchboard::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_STANDARD 20
    CXX_STANDARD_REQUIRED ON
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(SWITCHBOARD_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${SWITCHBOARD_PLUGIN_OUTPUT_DIR})
  endif()
endfunction()

# switchboard_embed_migrations(<out-var> <schema-dir> <namespace> <function>): generates a C++
# file defining
#   std::vector<switchboard::Migration> <namespace>::<function>(const std::string& backend)
# over <schema-dir>/{sqlite,postgresql}/*.sql, for a plugin's migrations(): add <out-var> to its
# sources. Binaries then need no schema files at run time.
set(SWITCHBOARD_EMBED_MIGRATIONS_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_migrations.cmake
    CACHE INTERNAL "")
function(switchboard_embed_migrations out_var schema_dir namespace function)
  file(GLOB sql_files CONFIGURE_DEPENDS ${schema_dir}/sqlite/*.sql ${schema_dir}/postgresql/*.sql)
  set(output ${CMAKE_CURRENT_BINARY_DIR}/${function}.cpp)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DSCHEMA_DIR=${schema_dir} -DOUTPUT=${output}
            -DNAMESPACE=${namespace} -DFUNCTION=${function}
            -P ${SWITCHBOARD_EMBED_MIGRATIONS_SCRIPT}
    DEPENDS ${sql_files} ${SWITCHBOARD_EMBED_MIGRATIONS_SCRIPT}
    COMMENT "Embedding migrations from ${schema_dir}")
  set(${out_var} ${output} PARENT_SCOPE)
endfunction()
