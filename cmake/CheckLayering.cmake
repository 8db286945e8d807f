# The layering check of cmake/Layering.cmake as a build step (script mode): run by the target
# sitescreen_layering whenever a file of src/ changed, it fails the build on an include that goes
# up the layer order, and touches STAMP when there is none.
#
#   cmake -DSRC_DIR=<src> -DMODULES=<module>,<module>,... -DSTAMP=<file> -P CheckLayering.cmake
cmake_minimum_required(VERSION 3.22)
include(${CMAKE_CURRENT_LIST_DIR}/Layering.cmake)
string(REPLACE "," ";" _modules "${MODULES}")
sitescreen_check_layering("${SRC_DIR}" "${_modules}")
file(TOUCH "${STAMP}")
