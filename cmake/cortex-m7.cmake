# Cortex-M7 with the double-precision FPU (fpv5-d16): float and double both run in
# hardware. Runs on QEMU's mps2-an500 board.
#
#   cmake --preset cortex-m7      (or -DCMAKE_TOOLCHAIN_FILE=cmake/cortex-m7.cmake)
set(STELA_CORTEX_MCU "-mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard -mthumb")
set(STELA_CORTEX_MACHINE mps2-an500)
set(STELA_CORTEX_HARDWARE_DOUBLE ON)
include(${CMAKE_CURRENT_LIST_DIR}/cortex-m.cmake)
