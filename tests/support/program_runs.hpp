// Running the `stela` program (or any command) from a test: the shell command, its exit
// status and both output streams, and the bytes of small input files. Used by the
// end-to-end tests of the program (test_cli, test_hostile_input).
#pragma once

#include <string>
#include <vector>

namespace stela::test {

// What a run of a command left behind.
struct Output {
  int code = -1;  // the exit status; 128 + the signal number when a signal ended it
  std::string out, err;
};

// The whole content of the file at `path` ("" when it cannot be read).
std::string slurp(const std::string& path);

// `s` quoted for the POSIX shell: any bytes, one word.
std::string shell_quote(const std::string& s);

bool contains(const std::string& text, const std::string& part);

// Runs `command` through the shell with standard output and standard error sent to
// `base`.out and `base`.err, and returns the exit status and both streams.
Output run_shell(const std::string& command, const std::string& base);

// Runs `program` with `args` (each quoted), standard input from `stdin_path` (empty:
// /dev/null), its output streams kept in `base`.out and `base`.err.
Output run_program(const std::string& program, const std::vector<std::string>& args, const std::string& stdin_path,
                   const std::string& base);

// A .npy version 1.0 file: the header dictionary with `descr` (e.g. "<f8"), the order
// and `shape` (Python syntax, e.g. "(3, 2)"), padded to a multiple of 64 bytes, then
// the raw `data`.
std::string npy(const std::string& descr, bool fortran_order, const std::string& shape, const std::string& data = "");

}  // namespace stela::test
