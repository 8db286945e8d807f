# The layering of src/ (docs/architecture.md): each folder is a module, modules are listed in
# order, and a file may include headers of its own module and of the modules before it, never
# after. Checked when the build is configured, so that a wrong include fails at once, naming
# the file and the include, instead of showing up later as a cycle.
#
#   sitescreen_check_layering(<src dir> "<module>;<module>;...")
#
# It runs again on every build in which a file of src/ changed (cmake/CheckLayering.cmake, the
# target sitescreen_layering, which every module's library depends on), so a wrong include added
# to an existing file fails the next build, not only the next configure.
#
# Includes of generated headers ("sitescreen/...") and of other libraries (<...>) are not checked.
# A folder of src/ missing from the list is an error too: a new folder takes a place in the order.
function(sitescreen_check_layering src_dir modules)
  file(GLOB _folders LIST_DIRECTORIES true RELATIVE "${src_dir}" "${src_dir}/*")
  foreach(_f ${_folders})
    if(IS_DIRECTORY "${src_dir}/${_f}" AND NOT _f IN_LIST modules)
      message(FATAL_ERROR "src/${_f}/ is not in SITESCREEN_MODULES (CMakeLists.txt): give it its place in the "
                          "layer order (docs/architecture.md)")
    endif()
  endforeach()
  set(_errors "")
  list(JOIN modules " < " _order)
  set(_rank 0)
  foreach(_m ${modules})
    set(_rank_${_m} ${_rank})
    math(EXPR _rank "${_rank} + 1")
  endforeach()
  foreach(_m ${modules})
    if(CMAKE_SCRIPT_MODE_FILE)
      file(GLOB_RECURSE _files "${src_dir}/${_m}/*.h" "${src_dir}/${_m}/*.cpp")
    else()
      file(GLOB_RECURSE _files CONFIGURE_DEPENDS "${src_dir}/${_m}/*.h" "${src_dir}/${_m}/*.cpp")
    endif()
    foreach(_file ${_files})
      file(STRINGS "${_file}" _lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
      foreach(_line ${_lines})
        if(_line MATCHES "#[ \t]*include[ \t]*\"([a-z_0-9]+)/")
          set(_to "${CMAKE_MATCH_1}")
          if(_to STREQUAL "sitescreen")
            continue()
          endif()
          file(RELATIVE_PATH _rel "${src_dir}/.." "${_file}")
          if(NOT DEFINED _rank_${_to})
            list(APPEND _errors "${_rel}: includes \"${_to}/...\", which is not a module of src/")
          elseif(_rank_${_to} GREATER _rank_${_m})
            string(STRIP "${_line}" _stripped)
            list(APPEND _errors "${_rel}: ${_stripped}: ${_m}/ may not include ${_to}/ (layer order: ${_order})")
          endif()
        endif()
      endforeach()
    endforeach()
  endforeach()
  if(_errors)
    list(JOIN _errors "\n  " _text)
    message(FATAL_ERROR "include goes against the layering of src/ (docs/architecture.md):\n  ${_text}")
  endif()
endfunction()
