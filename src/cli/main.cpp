// sitescreen command-line entry point (subcommands in src/cli/).
#include <cstdio>
int main() { std::puts("sitescreen: under construction"); return 0; }
