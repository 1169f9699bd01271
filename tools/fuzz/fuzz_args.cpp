// tools/fuzz/fuzz_args.cpp — a libFuzzer harness for the program's argument parser
// (tools/stela/args.*) and the readers of option values in tools/stela/common.* (issue
// 13, "Hostile input"). Not part of the default build: see tools/CMakeLists.txt
// (STELA_FUZZ).
//
// Input: the first byte picks one of the program's commands (their real declarations),
// the rest is its argv after the command name, split at NUL bytes (at most kMaxArgs
// arguments). Nothing is run and no file is opened: the parser, --help, and every
// option-value reader (numbers, integers, lists, method names, formats, limits, --rcond).
//
// What must hold for any argv:
//   - a rejection is a cli::Failure (any other exception escapes and libFuzzer reports
//     it) with an exit status of 1, 2 or 3, a status name, and a message that is not
//     empty and does not end in an empty explanation (": ");
//   - an accepted argv respects the declaration: the declared number of operands
//     (unless --help), values only for options that take one, flags only for options
//     that do not;
//   - no crash, no sanitizer report, memory bounded by the input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "stela/args.hpp"
#include "stela/commands.hpp"
#include "stela/common.hpp"

namespace {

namespace cli = stela::cli;

constexpr std::size_t kMaxArgs = 64;

void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz_args: %s\n", what);
  std::abort();
}

const std::vector<cli::CommandSpec>& commands() {
  static const std::vector<cli::CommandSpec> list = {
      cli::demo_command(),  cli::lstsq_command(), cli::pinv_command(),  cli::svd_command(),
      cli::qr_command(),    cli::null_command(),  cli::rank_command(),  cli::cond_command(),
      cli::ridge_command(), cli::compare_command(), cli::stability_command(),
  };
  return list;
}

void check_failure(const cli::Failure& f) {
  require(f.exit_code >= 1 && f.exit_code <= 3, "a failure with an exit status outside 1..3");
  require(!f.status.empty(), "a failure without a status name");
  require(!f.message.empty(), "a failure with an empty message");
  require(f.message.size() < 2 || f.message.compare(f.message.size() - 2, 2, ": ") != 0,
          "a failure message that ends in ': '");
}

// Runs `read`; a Failure it throws must be a clear one.
template <class F>
void read_value(F read) {
  try {
    read();
  } catch (const cli::Failure& f) {
    check_failure(f);
  }
}

const cli::OptionSpec* find(const cli::CommandSpec& spec, const std::string& name) {
  for (const auto& o : spec.options)
    if (o.name == name) return &o;
  return nullptr;
}

// Every value the parser accepted, through every reader a command might apply to it.
void read_every_value(const cli::Invocation& inv) {
  read_value([&] { (void)cli::read_limits(inv); });
  read_value([&] { (void)cli::input_format(inv); });
  read_value([&] { (void)cli::rank_tolerance(inv); });
  for (const auto& entry : inv.values) {
    const std::string& name = entry.first;
    const std::string& text = entry.second;
    read_value([&] { (void)cli::number_option(inv, name, 0.0); });
    read_value([&] { (void)cli::integer_option(inv, name, 0, -1000000, 1000000); });
    read_value([&] { (void)cli::number_list(name, text); });
    read_value([&] { (void)cli::parse_choice(name, text, cli::kLstsqMethods); });
    read_value([&] { (void)cli::parse_choice(name, text, cli::kSvdMethods); });
    read_value([&] { (void)cli::parse_choice(name, text, cli::kRidgeMethods); });
    read_value([&] { (void)cli::parse_choice(name, text, cli::kCvCriteria); });
    read_value([&] { (void)cli::parse_choice(name, text, cli::kSubspaceMethods); });
  }
}

void check_invocation(const cli::CommandSpec& spec, const cli::Invocation& inv) {
  require(inv.command == &spec, "the invocation names another command");
  if (!inv.help) require(inv.operands.size() == spec.operands.size(), "accepted with a wrong number of operands");
  for (const auto& entry : inv.values) {
    const cli::OptionSpec* o = find(spec, entry.first);
    require(o != nullptr && !o->value_name.empty(), "a value for an option that takes none or does not exist");
  }
  for (const auto& entry : inv.flags) {
    const cli::OptionSpec* o = find(spec, entry.first);
    require(o != nullptr && o->value_name.empty(), "a flag that takes a value or does not exist");
  }
  if (inv.help) require(!cli::help_text(spec).empty(), "an empty --help");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const cli::CommandSpec& spec = commands()[data[0] % commands().size()];
  std::vector<std::string> args(1);
  for (std::size_t i = 1; i < size; ++i) {
    if (data[i] != 0) {
      args.back() += static_cast<char>(data[i]);
    } else if (args.size() < kMaxArgs) {
      args.emplace_back();
    }
  }
  if (size == 1) args.clear();
  try {
    const cli::Invocation inv = cli::parse_arguments(spec, args);
    check_invocation(spec, inv);
    read_every_value(inv);
  } catch (const cli::Failure& f) {
    check_failure(f);
  }
  return 0;
}
