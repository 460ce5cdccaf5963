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
