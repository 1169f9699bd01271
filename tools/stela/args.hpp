// tools/stela/args.hpp — the program's own small command-line parser.
//
// Each command declares what it accepts: positional operands by name, options with or
// without a value, and the help text. The parser then reads argv against that
// declaration, and everything it refuses is a usage error (exit status 2) whose
// message lists what would have been accepted:
//
//   --name value   --name=value   an option with a value; in the first form the value
//                  may not start with "--" nor be "-h" ("--output --json" forgot the
//                  file name); the second form takes any value
//   --name         a flag
//   -h, --help     the command's help
//   --             the end of the options: everything after it is an operand
//   -              an operand (standard input), not an option
//
// An option given twice is an error rather than "the last one wins": a repeated
// --lambda is more likely a mistake than an intention.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace stela::cli {

struct OptionSpec {
  std::string name;        // without the leading dashes: "method"
  std::string value_name;  // "M" for `--method M`; empty for a flag
  std::string help;        // one or two lines, shown in --help
};

struct Invocation;

struct CommandSpec {
  std::string name;                      // "lstsq"
  std::string synopsis;                  // "X Y [--method M] [--rcond R]"
  std::string summary;                   // one line for the program's command list
  std::string description;               // paragraphs for the command's --help
  std::vector<std::string> operands;     // names of the positional operands, all required
  std::vector<OptionSpec> options;
  int (*run)(const Invocation&) = nullptr;
};

// What the parser read for one command.
struct Invocation {
  const CommandSpec* command = nullptr;
  std::vector<std::string> operands;
  std::map<std::string, std::string> values;  // options with a value
  std::map<std::string, bool> flags;          // flags that were given
  bool help = false;                          // -h or --help

  bool flag(const std::string& name) const { return flags.count(name) != 0; }
  bool has(const std::string& name) const { return values.count(name) != 0; }
  // The option's value; only when has(name).
  const std::string& value(const std::string& name) const { return values.at(name); }
};

// Reads `args` (argv after the command name) against `spec`. Throws Failure (usage)
// for an unknown option, a missing or unexpected value, a repeated option, or a wrong
// number of operands (unless help was asked for).
Invocation parse_arguments(const CommandSpec& spec, const std::vector<std::string>& args);

// The command's --help text.
std::string help_text(const CommandSpec& spec);

}  // namespace stela::cli
