// The healthcontent subcommands, as main.cc dispatches them.
#ifndef HEALTHCONTENT_CLI_COMMANDS_H_
#define HEALTHCONTENT_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "cli/cli_common.h"

namespace healthcontent::cli {

struct CommandSpec {
  std::string name;     // "get", "token", ...
  std::string summary;  // one line for `healthcontent help`
  std::string usage;    // the whole `healthcontent <name> --help` text
  std::vector<FlagSpec> flags;
  // Runs the command on its parsed arguments (never called for --help);
  // returns the exit code.
  int (*run)(const CommandLine& command_line);
};

// Commands over gRPC: get, list, revisions, diff, search, changes,
// therapy-types, publish, withdraw (remote_commands.cc).
std::vector<CommandSpec> RemoteCommands();

// Commands that move content in and out in the interchange format, on a
// database file or over gRPC: import, export (transfer_commands.cc).
std::vector<CommandSpec> TransferCommands();

// `therapy-types upsert FILE...`: UpsertTherapyTypeRequest JSON files (as in
// data/therapy-types/) written to --db or --server, reported like import.
// Positional argument 0 is "upsert". Returns the exit code
// (transfer_commands.cc).
int UpsertTherapyTypeFiles(const CommandLine& command_line);

// Commands on a database file or on no service at all: backup, bundle,
// token (local_commands.cc).
std::vector<CommandSpec> LocalCommands();

}  // namespace healthcontent::cli

#endif  // HEALTHCONTENT_CLI_COMMANDS_H_
