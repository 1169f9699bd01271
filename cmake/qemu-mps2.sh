#!/bin/sh
# Runs a bare-metal program on one of QEMU's MPS2 boards and exits with its status:
#
#   qemu-mps2.sh BOARD PROGRAM.elf [ARGS...]      (BOARD: mps2-an386, mps2-an500, ...)
#
# The Cortex-M toolchain files name this script as CMAKE_CROSSCOMPILING_EMULATOR, so
# ctest runs every test through it. The program talks to the host by semihosting: its
# stdout is this script's stdout, its arguments come from -append (ctest puts them
# after the program, where QEMU would read them as its own options), and main's return
# value is QEMU's exit status. A fault ends the program with the status its fault
# handler passes to exit (tests/embedded/baremetal/startup.cpp: 99); a program that hangs
# is killed after QEMU_TIMEOUT seconds (default 600: the longest test file, test_svd,
# takes about 1 minute on an idle 2-core machine and 3.5 on a loaded one) and the status
# is timeout's 124.
board=$1
program=$2
shift 2
exec timeout "${QEMU_TIMEOUT:-600}" qemu-system-arm -M "$board" -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native -kernel "$program" ${1+-append "$*"}
