# Cross build for 64-bit ARM Linux (aarch64), run on this machine under QEMU user mode.
#
#   cmake --preset aarch64      (CMakePresets.json names this file)
#
# Needs Debian's g++-aarch64-linux-gnu and qemu-user (.ci/aarch64 installs them).
# Programs are linked -static, so the emulator needs no aarch64 loader or libraries at
# run time. ctest runs every test executable through CMAKE_CROSSCOMPILING_EMULATOR, and
# the tests that start the `stela` program start it through the same emulator
# (tests/support/program_runs). GCC's default -ffp-contract=fast fuses a*b+c into FMA
# instructions on this target: the suite must pass that way, so no flag turns it off.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

find_program(STELA_QEMU_AARCH64 qemu-aarch64 REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR ${STELA_QEMU_AARCH64})

# Headers and libraries from the cross toolchain's tree only; programs from the host.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
