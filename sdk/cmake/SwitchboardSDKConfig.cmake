# find_package(SwitchboardSDK) for plugins built out of tree.
include(CMakeFindDependencyMacro)
find_dependency(yaml-cpp)
find_dependency(spdlog)
find_dependency(Boost 1.74)
find_dependency(CURL)
find_dependency(Threads)
include(${CMAKE_CURRENT_LIST_DIR}/SwitchboardSDKTargets.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/SwitchboardPlugin.cmake)
