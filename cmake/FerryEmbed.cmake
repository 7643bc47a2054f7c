# ferry_embed_files(<target> NAMESPACE <ns> HEADER <name.h> FILES <f>...)
# Turns text files (the SQL of the introspectors) into std::string_view constants
# generated at build time, so the SQL stays in .sql files and ships inside the binary.
set(FERRY_EMBED_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/embed_script.cmake")

function(ferry_embed_files target)
  cmake_parse_arguments(ARG "" "NAMESPACE;HEADER" "FILES" ${ARGN})
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded/${ARG_HEADER}")
  set(abs_files)
  foreach(f IN LISTS ARG_FILES)
    list(APPEND abs_files "${CMAKE_CURRENT_SOURCE_DIR}/${f}")
  endforeach()
  string(REPLACE ";" "|" files_arg "${abs_files}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${ARG_NAMESPACE} "-DFILES=${files_arg}"
            -P "${FERRY_EMBED_SCRIPT}"
    DEPENDS ${abs_files} "${FERRY_EMBED_SCRIPT}"
    COMMENT "Embedding ${ARG_HEADER}"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
  target_include_directories(${target} PRIVATE "${CMAKE_CURRENT_BINARY_DIR}/embedded")
endfunction()
