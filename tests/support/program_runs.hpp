// Running the `stela` program (or any command) from a test: the shell command, its exit
// status and both output streams, and the bytes of small input files. Used by the
// end-to-end tests of the program (test_cli, test_stream_cli, test_hostile_input).
//
// Every run of the program goes through program_command(), which puts a prefix before
// it: the emulator in a cross build (the aarch64 preset runs the aarch64 `stela` under
// qemu-aarch64), or a checker such as valgrind (the valgrind test preset). One variable
// decides it, STELA_TEST_PROGRAM_PREFIX: read from the environment when set there, else
// the build's default (CMAKE_CROSSCOMPILING_EMULATOR; empty in a native build).
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

// The prefix every run of the program gets (shell words, used unquoted): the
// environment's STELA_TEST_PROGRAM_PREFIX when set, else the build's default.
std::string program_prefix();

// The shell words that start `program`: the prefix, then the program's path quoted.
std::string program_command(const std::string& program);

// Runs `command` through the shell with standard output and standard error sent to
// `base`.out and `base`.err, and returns the exit status and both streams.
Output run_shell(const std::string& command, const std::string& base);

// Runs `program` (through program_command) with `args` (each quoted), standard input from `stdin_path` (empty:
// /dev/null), its output streams kept in `base`.out and `base`.err.
Output run_program(const std::string& program, const std::vector<std::string>& args, const std::string& stdin_path,
                   const std::string& base);

// A .npy version 1.0 file: the header dictionary with `descr` (e.g. "<f8"), the order
// and `shape` (Python syntax, e.g. "(3, 2)"), padded to a multiple of 64 bytes, then
// the raw `data`.
std::string npy(const std::string& descr, bool fortran_order, const std::string& shape, const std::string& data = "");

}  // namespace stela::test
