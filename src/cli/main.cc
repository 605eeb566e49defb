// healthcontent: the command-line tool for editors, integrators and operators.
// This file only dispatches; each subcommand lives with its kind in
// remote_commands.cc, transfer_commands.cc or local_commands.cc.
//
// Exit codes: 0 ok, 1 user error (bad arguments or input, refused by the
// service), 2 server or I/O error.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/cli_common.h"
#include "cli/commands.h"

namespace {

using healthcontent::cli::CommandLine;
using healthcontent::cli::CommandSpec;

std::vector<CommandSpec> AllCommands() {
  std::vector<CommandSpec> all;
  for (auto group : {healthcontent::cli::RemoteCommands(), healthcontent::cli::TransferCommands(),
                     healthcontent::cli::LocalCommands()}) {
    for (CommandSpec& command : group) all.push_back(std::move(command));
  }
  return all;
}

std::string Usage(const std::vector<CommandSpec>& commands) {
  std::string text =
      "healthcontent: command-line tool for the health-content service\n\n"
      "Usage: healthcontent <command> [flags] [arguments]\n\nCommands:\n";
  for (const CommandSpec& command : commands) {
    absl::StrAppend(&text, absl::StrFormat("  %-15s %s\n", command.name, command.summary));
  }
  absl::StrAppend(
      &text,
      "\n`healthcontent <command> --help` describes a command and its flags.\n"
      "Commands that talk to a server use --server=HOST:PORT (default $HEALTHCONTENT_SERVER,\n"
      "else 127.0.0.1:50051); writes need --token=TOKEN or $HEALTHCONTENT_TOKEN.\n"
      "Exit codes: 0 ok, 1 bad arguments or input or refused by the service, 2 server or I/O "
      "error.\n");
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<CommandSpec> commands = AllCommands();
  if (argc < 2) {
    std::fputs(Usage(commands).c_str(), stderr);
    return healthcontent::cli::kUserError;
  }
  const std::string name = argv[1];
  if (name == "help" || name == "--help" || name == "-h") {
    if (argc >= 3) {
      for (const CommandSpec& command : commands) {
        if (command.name == argv[2]) return std::fputs(command.usage.c_str(), stdout), 0;
      }
    }
    std::fputs(Usage(commands).c_str(), stdout);
    return healthcontent::cli::kOk;
  }
  for (const CommandSpec& command : commands) {
    if (command.name != name) continue;
    auto command_line =
        CommandLine::Parse(std::vector<std::string>(argv + 2, argv + argc), command.flags);
    if (!command_line.ok()) {
      return healthcontent::cli::Fail(healthcontent::cli::kUserError,
                                      absl::StrCat(name, ": ", command_line.status().message(),
                                                   "; see healthcontent ", name, " --help"));
    }
    if (command_line->Has("help")) {
      std::fputs(command.usage.c_str(), stdout);
      return healthcontent::cli::kOk;
    }
    return command.run(*command_line);
  }
  return healthcontent::cli::Fail(
      healthcontent::cli::kUserError,
      absl::StrCat("unknown command \"", name, "\"; healthcontent help lists them"));
}
