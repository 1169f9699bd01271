// Vector table and reset handler for a Cortex-M program on QEMU's MPS2 boards
// (mps2-an386: Cortex-M4F, mps2-an500: Cortex-M7), linked with mps2.ld.
//
// At reset the core loads its stack pointer from word 0 of the vector table and jumps to
// the address in word 1. The reset handler turns the floating-point unit on (it is off
// at reset on every M-profile core, and the first VFP instruction would fault with
// NOCP: ARMv7-M Architecture Reference Manual, B3.2.20, CPACR) and hands over to
// newlib's _start (rdimon's crt0), which clears .bss, sets up semihosting stdio, runs
// the static constructors, calls main and passes its return value to exit.
//
// Every fault (hard, memory management, bus, usage) ends the program with status 99,
// so a crash is a failed test and never a hang. The same file serves M4 and M7; it is
// compiled with the core's -mcpu/-mfpu flags by the toolchain file.
#include <cstdint>

#include <unistd.h>

// C linkage: the linker script and crt0 name these symbols.
extern "C" {

extern std::uint32_t __stack_top;  // mps2.ld: the top of RAM
void _start();                     // newlib's crt0

__attribute__((naked, noreturn)) void reset_handler() {
  __asm volatile(
      "ldr r0, =0xE000ED88\n"       // CPACR, the coprocessor access control register
      "ldr r1, [r0]\n"
      "orr r1, r1, #(0xF << 20)\n"  // CP10 and CP11 (the FPU): full access
      "str r1, [r0]\n"
      "dsb\n"                       // the write completes before the next instruction,
      "isb\n"                       // which is fetched with the FPU on
      "b _start\n");
}

constexpr int kFaultStatus = 99;
void fault_handler() { _exit(kFaultStatus); }

// The first 16 entries, the ARMv7-M system exceptions; no device interrupt is enabled.
using Vector = const void*;
__attribute__((section(".isr_vector"), used)) const Vector vector_table[16] = {
    &__stack_top,                                 //  0 initial stack pointer
    reinterpret_cast<Vector>(&reset_handler),     //  1 reset
    reinterpret_cast<Vector>(&fault_handler),     //  2 NMI
    reinterpret_cast<Vector>(&fault_handler),     //  3 hard fault
    reinterpret_cast<Vector>(&fault_handler),     //  4 memory management fault
    reinterpret_cast<Vector>(&fault_handler),     //  5 bus fault
    reinterpret_cast<Vector>(&fault_handler),     //  6 usage fault (NOCP, undefined instruction)
    nullptr, nullptr, nullptr, nullptr,           //  7-10 reserved
    reinterpret_cast<Vector>(&fault_handler),     // 11 SVCall
    reinterpret_cast<Vector>(&fault_handler),     // 12 debug monitor
    nullptr,                                      // 13 reserved
    reinterpret_cast<Vector>(&fault_handler),     // 14 PendSV
    reinterpret_cast<Vector>(&fault_handler),     // 15 SysTick
};

}  // extern "C"
