# Cortex-M4F: single-precision FPU (fpv4-sp-d16), so float runs in hardware and double
# in software (libgcc's __aeabi_d* routines). Runs on QEMU's mps2-an386 board.
#
#   cmake --preset cortex-m4      (or -DCMAKE_TOOLCHAIN_FILE=cmake/cortex-m4.cmake)
set(STELA_CORTEX_MCU "-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard -mthumb")
set(STELA_CORTEX_MACHINE mps2-an386)
set(STELA_CORTEX_HARDWARE_DOUBLE OFF)
include(${CMAKE_CURRENT_LIST_DIR}/cortex-m.cmake)
