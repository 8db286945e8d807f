// The one source of sitescreen_pch (CMakeLists.txt, "Precompiled headers"): the target exists to
// make the precompiled header the modules share, with their flags.
