# One INTERFACE target carries the language level, the warnings and the sanitizers,
# so no directory-wide flag is ever edited. Every Ferry target links it PRIVATE.
add_library(ferry_build_options INTERFACE)
add_library(ferry::build_options ALIAS ferry_build_options)
target_compile_features(ferry_build_options INTERFACE cxx_std_20)
target_compile_options(ferry_build_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wimplicit-fallthrough
  # GCC 12 reports std::optional<std::string> (and nested optionals) as
  # maybe-uninitialized at -O2 where they are not (GCC bugs 105562, 107138);
  # the -O0 dev and asan builds keep the warning.
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>,$<NOT:$<CONFIG:Debug>>>:-Wno-maybe-uninitialized>
  $<$<BOOL:${FERRY_WERROR}>:-Werror>)
if(FERRY_SANITIZE)
  target_compile_options(ferry_build_options INTERFACE
    -fsanitize=${FERRY_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(ferry_build_options INTERFACE -fsanitize=${FERRY_SANITIZE})
endif()

# ferry_engine_library(<name> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# One static library per engine folder, aliased ferry::<name>.
function(ferry_engine_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(ferry_${name} STATIC ${ARG_SOURCES})
  add_library(ferry::${name} ALIAS ferry_${name})
  target_include_directories(ferry_${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/engine>)
  target_link_libraries(ferry_${name}
    PUBLIC ${ARG_PUBLIC_DEPS}
    PRIVATE ferry::build_options ${ARG_PRIVATE_DEPS})
endfunction()
