# cmake -DSTELA_SOURCE_DIR=<stela> -P check_core_sources.cmake
#
# Fails when a core file (include/stela/*, src/*) includes a stream or stdio header or
# prints. The core reports through Status and Result; printing belongs to the tools.
if(NOT STELA_SOURCE_DIR)
  message(FATAL_ERROR "pass -DSTELA_SOURCE_DIR=<the stela source tree>")
endif()

file(GLOB_RECURSE core_files
  ${STELA_SOURCE_DIR}/include/stela/*.hpp
  ${STELA_SOURCE_DIR}/src/*.cpp
  ${STELA_SOURCE_DIR}/src/*.hpp)
list(LENGTH core_files count)
if(count EQUAL 0)
  message(FATAL_ERROR "no core files found under ${STELA_SOURCE_DIR}")
endif()

set(forbidden_include "#[ \t]*include[ \t]*<(iostream|istream|ostream|sstream|fstream|iomanip|cstdio|stdio\\.h)>")
set(forbidden_call "std::(cout|cerr|clog)|(^|[^a-z_])(printf|fprintf|puts)[ \t]*\\(")

set(offences "")
foreach(file IN LISTS core_files)
  file(STRINGS ${file} lines REGEX "${forbidden_include}|${forbidden_call}")
  foreach(line IN LISTS lines)
    file(RELATIVE_PATH name ${STELA_SOURCE_DIR} ${file})
    string(APPEND offences "\n  ${name}: ${line}")
  endforeach()
endforeach()

if(offences)
  message(FATAL_ERROR "the core must not print or use streams:${offences}")
endif()
message(STATUS "${count} core files: no stream or stdio use")
