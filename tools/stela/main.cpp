// tools/stela/main.cpp — the `stela` program: command dispatch, help, and the one place
// where failures become messages and exit statuses.
//
//   stela COMMAND [operands] [options]
//   stela --help | help [COMMAND] | --version
//
// Every failure inside a command is thrown as cli::Failure and caught here: the message
// goes to standard error as "stela COMMAND: message", and once the arguments have been
// read with --json, every failure (exit status 1, 2 or 3) also prints
// {"status": "...", "message": "..."} on standard output (the statuses are listed in
// common.hpp), so a script always gets one JSON object. Nothing escapes main(): an
// allocation failure is out_of_memory and anything else thrown an internal_error, both
// exit status 1, like a documented limit reached (resource_limit).
#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "commands.hpp"
#include "common.hpp"

#ifndef STELA_VERSION
#define STELA_VERSION "unknown"
#endif

namespace stela::cli {
namespace {

const std::vector<CommandSpec>& commands() {
  static const std::vector<CommandSpec> list = {
      demo_command(),  lstsq_command(), pinv_command(), svd_command(),     qr_command(),       null_command(),
      rank_command(),  cond_command(),  ridge_command(), compare_command(), stability_command(),
  };
  return list;
}

const CommandSpec* find_command(const std::string& name) {
  for (const auto& c : commands())
    if (c.name == name) return &c;
  return nullptr;
}

std::string command_names() {
  std::string out;
  for (const auto& c : commands()) out += (out.empty() ? "" : ", ") + c.name;
  return out;
}

std::string program_help() {
  std::string out =
      "usage: stela COMMAND [operands] [options]\n"
      "\n"
      "Dense least squares and everything around it, on matrix files: whitespace- or\n"
      "comma-separated text (as numpy.savetxt writes), Matrix Market (.mtx) or NumPy (.npy).\n"
      "'-' reads standard input.\n"
      "\n.npy files: dtypes <f8 (float64), <f4 (float32), <i8 (int64) and <i4 (int32),\n"
      "little-endian, C or Fortran order, 1-D (a column) or 2-D. Entries are read as\n"
      "doubles: an int64 (or a Matrix Market integer) that has no exact double, beyond\n"
      "2^53 in magnitude, is refused with exit status 2, naming the file and the entry.\n"
      "\ncommands:\n";
  std::size_t width = 0;
  for (const auto& c : commands()) width = std::max(width, c.name.size());
  for (const auto& c : commands()) out += "  " + c.name + std::string(width - c.name.size() + 2, ' ') + c.summary + "\n";
  out +=
      "\n'stela COMMAND --help' shows a command's options. Every command takes --json (one\n"
      "JSON object on standard output) and, except demo, --float (single precision).\n"
      "\nexit status: 0 success; 1 a limit reached (--max-bytes, --max-elements), out of\n"
      "memory, or an internal error; 2 usage error or unreadable/invalid input; 3 numerical\n"
      "failure (the message names the status, e.g. not_finite, rank_deficient). With --json\n"
      "every failure also prints {\"status\": ..., \"message\": ...} on standard output.\n"
      "\nlimits: an input file or stream of at most --max-bytes (default 1 GiB); no matrix read\n"
      "or formed with more than --max-elements entries or a dimension above it (default\n"
      "2^27). --output refuses an existing file without --force, and an input file always.\n"
      "\nstart with:  stela demo\n";
  return out;
}

// The one place a failure becomes output: the message on standard error and, with
// --json, the JSON object on standard output. Returns the exit status. Whatever the
// command printed before failing is flushed first, so the streams stay in order.
int report_failure(const CommandSpec& command, const Failure& f, bool json) {
  std::cout.flush();
  std::cerr << "stela " << command.name << ": " << f.message << "\n";
  if (json) {
    io::JsonWriter out(std::cout);
    out.begin_object().key("status").value(f.status).key("message").value(f.message).end_object();
  }
  return f.exit_code;
}

int run(const std::vector<std::string>& args) {
  // 1. The program's own options and the command's name.
  if (args.empty()) {
    std::cerr << program_help();
    return kExitUsage;
  }
  const std::string& first = args[0];
  if (first == "-h" || first == "--help") {
    std::cout << program_help();
    return kExitOk;
  }
  if (first == "--version") {
    std::cout << "stela " << STELA_VERSION << "\n";
    return kExitOk;
  }
  if (first == "help") {
    if (args.size() == 1) {
      std::cout << program_help();
      return kExitOk;
    }
    const CommandSpec* c = find_command(args[1]);
    if (!c) {
      std::cerr << "stela: unknown command '" << args[1] << "'; commands: " << command_names() << "\n";
      return kExitUsage;
    }
    std::cout << help_text(*c);
    return kExitOk;
  }
  const CommandSpec* command = find_command(first);
  if (!command) {
    std::cerr << "stela: unknown command '" << first << "'; commands: " << command_names()
              << " (see 'stela --help')\n";
    return kExitUsage;
  }

  // 2. The command's arguments, then the command.
  bool json = false;
  try {
    const Invocation inv = parse_arguments(*command, std::vector<std::string>(args.begin() + 1, args.end()));
    if (inv.help) {
      std::cout << help_text(*command);
      return kExitOk;
    }
    json = inv.flag("json");
    return command->run(inv);
  } catch (const Failure& f) {
    return report_failure(*command, f, json);
  } catch (const std::bad_alloc&) {
    return report_failure(*command,
                          Failure{kExitInternal,
                                  "out of memory: an allocation failed below the limits; lower --max-elements "
                                  "or free memory",
                                  "out_of_memory"},
                          json);
  } catch (const std::exception& e) {
    return report_failure(*command,
                          Failure{kExitInternal, std::string("internal error (a bug in stela): ") + e.what(),
                                  "internal_error"},
                          json);
  }
}

}  // namespace
}  // namespace stela::cli

int main(int argc, char** argv) {
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    const int status = stela::cli::run(args);
    std::cout.flush();
    if (!std::cout) {
      std::cerr << "stela: cannot write to standard output\n";
      return stela::cli::kExitInternal;
    }
    return status;
  } catch (...) {
    // Only the catch-all remains: iostream itself failing, say.
    return stela::cli::kExitInternal;
  }
}
