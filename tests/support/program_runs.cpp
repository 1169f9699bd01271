#include "program_runs.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

// The build's default prefix (tests/support/CMakeLists.txt): the cross build's emulator.
#ifndef STELA_TEST_PROGRAM_PREFIX
#define STELA_TEST_PROGRAM_PREFIX ""
#endif

namespace stela::test {

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string program_prefix() {
  const char* from_environment = std::getenv("STELA_TEST_PROGRAM_PREFIX");
  return from_environment ? from_environment : STELA_TEST_PROGRAM_PREFIX;
}

std::string program_command(const std::string& program) {
  const std::string prefix = program_prefix();
  return prefix.empty() ? shell_quote(program) : prefix + " " + shell_quote(program);
}

Output run_shell(const std::string& command, const std::string& base) {
  const std::string redirected =
      "(" + command + ") >" + shell_quote(base + ".out") + " 2>" + shell_quote(base + ".err");
  const int status = std::system(redirected.c_str());
  Output o;
  o.code = status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  o.out = slurp(base + ".out");
  o.err = slurp(base + ".err");
  return o;
}

Output run_program(const std::string& program, const std::vector<std::string>& args, const std::string& stdin_path,
                   const std::string& base) {
  std::string command = program_command(program);
  for (const auto& a : args) command += " " + shell_quote(a);
  command += " <" + shell_quote(stdin_path.empty() ? "/dev/null" : stdin_path);
  return run_shell(command, base);
}

std::string npy(const std::string& descr, bool fortran_order, const std::string& shape, const std::string& data) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran_order ? "True" : "False") +
                       ", 'shape': " + shape + ", }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

}  // namespace stela::test
