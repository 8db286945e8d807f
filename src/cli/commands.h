// Subcommands of the sitescreen CLI: each declares its options, then runs.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace sitescreen::cli {

// Registers `screen` on the app; the returned function runs it (exit code).
std::function<int()> add_screen_command(CLI::App& app);
// Registers `layers check` and `layers list`.
std::function<int()> add_layers_command(CLI::App& app);
// Registers `serve` (the HTTP service, docs/serve.md).
std::function<int()> add_serve_command(CLI::App& app);

// --activities, --ecosystems, --materiality: the assessment's tables, shared by screen and serve.
void add_table_options(CLI::App& cmd, std::string& activities, std::string& ecosystems, std::string& materiality);

// Exit codes (docs/cli.md).
constexpr int kExitOk = 0;
constexpr int kExitCannotRun = 1;
constexpr int kExitUsage = 2;
constexpr int kExitSiteErrors = 3;     // --fail-on-site-error and at least one site in error
constexpr int kExitInterrupted = 130;  // SIGINT; SIGTERM gives 143 (128 + the signal, interrupt_exit_code())

}  // namespace sitescreen::cli
