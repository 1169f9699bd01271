# The part of the Cortex-M toolchain files (cortex-m4.cmake, cortex-m7.cmake) that every
# core shares: GNU Arm Embedded (arm-none-eabi-gcc, Debian's gcc-arm-none-eabi), newlib
# with semihosting (rdimon) for stdio and exit status, and QEMU's MPS2 boards as the
# place the programs run (ctest runs every test through CMAKE_CROSSCOMPILING_EMULATOR).
#
# A core file sets STELA_CORTEX_MCU (the -mcpu/-mfpu/-mfloat-abi flags),
# STELA_CORTEX_HARDWARE_DOUBLE (whether its FPU computes double: the tests run double
# only where it does) and STELA_CORTEX_MACHINE (the QEMU board), then includes this
# one. The vector table, the reset handler and the linker script for the MPS2 memory
# map are not here: they are sources of the programs that run on the board
# (tests/embedded/baremetal/).
#
# Flags go into the *_INIT variables, which CMake puts in front of whatever a preset or
# a user adds to CMAKE_CXX_FLAGS; a project adds its own through target options, so the
# core's -mcpu flags are never replaced (a mismatch fails the link with "uses VFP
# register arguments").
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
# CMake's compiler checks cannot link a program without the startup code and the
# linker script, so they build a static library instead.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# -ffunction-sections/-fdata-sections with --gc-sections: a program keeps only the
# functions it reaches. -fno-math-errno: std::sqrt(float) becomes one vsqrt.f32 instead
# of a call to newlib's sqrtf wrapper that sets errno.
# -Wno-psabi: GCC notes on every std::vector<struct> that the argument passing of such
# types changed in GCC 7.1; every object here comes from the one compiler.
set(CMAKE_C_FLAGS_INIT "${STELA_CORTEX_MCU} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT
    "${STELA_CORTEX_MCU} -ffunction-sections -fdata-sections -fno-exceptions -fno-rtti -fno-math-errno -fno-threadsafe-statics -Wno-psabi")
# newlib-nano (smaller stdio and libstdc++) with the semihosting system calls: the
# program's output goes to QEMU's standard output, and main's return value becomes
# QEMU's exit status.
set(CMAKE_EXE_LINKER_FLAGS_INIT "${STELA_CORTEX_MCU} --specs=nano.specs --specs=rdimon.specs -Wl,--gc-sections")

set(CMAKE_EXECUTABLE_SUFFIX .elf)
set(CMAKE_EXECUTABLE_SUFFIX_CXX .elf)
set(CMAKE_EXECUTABLE_SUFFIX_C .elf)

set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/qemu-mps2.sh;${STELA_CORTEX_MACHINE}")

# Search the cross toolchain's own tree for libraries and headers, the host for programs.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
