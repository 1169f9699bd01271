// tools/stela/args.cpp — the command-line parser (see args.hpp).
#include "args.hpp"

#include <algorithm>

#include "common.hpp"

namespace stela::cli {
namespace {

const OptionSpec* find_option(const CommandSpec& spec, const std::string& name) {
  for (const auto& o : spec.options)
    if (o.name == name) return &o;
  return nullptr;
}

std::string option_list(const CommandSpec& spec) {
  std::string out;
  for (const auto& o : spec.options) out += (out.empty() ? "--" : ", --") + o.name;
  return out.empty() ? "none" : out;
}

std::string operand_list(const CommandSpec& spec) {
  std::string out;
  for (const auto& name : spec.operands) out += (out.empty() ? "" : " ") + name;
  return out;
}

}  // namespace

Invocation parse_arguments(const CommandSpec& spec, const std::vector<std::string>& args) {
  Invocation inv;
  inv.command = &spec;
  bool options_ended = false;
  for (std::size_t k = 0; k < args.size(); ++k) {
    const std::string& arg = args[k];
    // 1. Operands: after "--", a lone "-", and anything not starting with "-". A
    //    negative number ("-3") cannot be an operand (operands are file names).
    if (options_ended || arg == "-" || arg.empty() || arg[0] != '-') {
      inv.operands.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_ended = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      inv.help = true;
      continue;
    }
    // 2. An option: "--name", "--name=value" or "--name value".
    if (arg.size() < 3 || arg[1] != '-')
      fail_usage("unknown option '" + arg + "'; options of '" + spec.name + "': " + option_list(spec) + ", --help");
    const std::size_t eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const OptionSpec* opt = find_option(spec, name);
    if (!opt)
      fail_usage("unknown option '--" + name + "'; options of '" + spec.name + "': " + option_list(spec) +
                 ", --help");
    if (inv.has(name) || inv.flag(name)) fail_usage("option --" + name + " given twice");
    if (opt->value_name.empty()) {
      if (eq != std::string::npos) fail_usage("option --" + name + " takes no value");
      inv.flags[name] = true;
      continue;
    }
    if (eq != std::string::npos) {
      inv.values[name] = arg.substr(eq + 1);
    } else if (k + 1 < args.size()) {
      // "--output --json" is a forgotten value, not a file named "--json": a value in
      // the next argument may not look like an option. Negative numbers ("-3") and
      // "-" (standard output) still pass; "--output=--json" says it on purpose.
      const std::string& next = args[k + 1];
      if (next.rfind("--", 0) == 0 || next == "-h")
        fail_usage("option --" + name + " needs a value (--" + name + " " + opt->value_name + "), but the next argument '" +
                   next + "' is an option; write --" + name + "=" + next + " if that is really the value");
      inv.values[name] = args[++k];
    } else {
      fail_usage("option --" + name + " needs a value (--" + name + " " + opt->value_name + ")");
    }
  }
  // 3. The operands, unless only help was wanted.
  if (!inv.help && inv.operands.size() != spec.operands.size()) {
    if (spec.operands.empty())
      fail_usage("'" + spec.name + "' takes no operands, got '" + inv.operands.front() + "'");
    fail_usage("'" + spec.name + "' needs " + std::to_string(spec.operands.size()) + " operand" +
               (spec.operands.size() == 1 ? "" : "s") + " (" + operand_list(spec) + "), got " +
               std::to_string(inv.operands.size()) + "; see 'stela " + spec.name + " --help'");
  }
  return inv;
}

std::string help_text(const CommandSpec& spec) {
  std::string out = "usage: stela " + spec.name + (spec.synopsis.empty() ? "" : " " + spec.synopsis) + "\n\n";
  out += spec.summary + "\n";
  if (!spec.description.empty()) out += "\n" + spec.description;
  if (out.back() != '\n') out += '\n';
  out += "\noptions:\n";
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& o : spec.options)
    rows.emplace_back("--" + o.name + (o.value_name.empty() ? "" : " " + o.value_name), o.help);
  rows.emplace_back("-h, --help", "show this help");
  std::size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r.first.size());
  for (const auto& [left, help] : rows) {
    // Continuation lines of a help text are indented under its first line.
    std::string text = help;
    std::string indented;
    for (char c : text) {
      indented += c;
      if (c == '\n') indented += std::string(width + 4, ' ');
    }
    out += "  " + left + std::string(width - left.size() + 2, ' ') + indented + "\n";
  }
  return out;
}

}  // namespace stela::cli
