#!/usr/bin/env bash
# A float build of stela computes in float only (issue 13): compile the core for the
# Cortex-M4F (single-precision FPU, so double is software), link float_only.cpp, which
# calls every low-level entry in float, with --gc-sections, and fail when the program
# holds a software-double helper or double libm. On failure, print the functions that
# call them (and the linker map says which object pulled each).
#
#   bash tests/embedded/check_no_software_double.sh [build dir]     (from the top of a clone)
#
# Needs gcc-arm-none-eabi, libnewlib-arm-none-eabi, libstdc++-arm-none-eabi-dev and
# libstdc++-arm-none-eabi-newlib (Debian). About 40 s on two cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-build/no-software-double}
mkdir -p "$out/obj"
mcu="-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard -mthumb"
cxxflags="-std=c++17 -Os -fno-exceptions -fno-rtti -fno-threadsafe-statics -ffunction-sections -fdata-sections
          -Wall -Wextra -Wdouble-promotion -Werror -DNDEBUG -Iinclude"

# 1. The core's low-level sources (the allocating layer and the generators are compiled
#    too: --gc-sections drops what the program does not call).
for f in src/*/*.cpp; do
  case $f in *gemm_microkernel_avx2.cpp) continue ;; esac
  o="$out/obj/$(echo "${f%.cpp}" | tr / _).o"
  arm-none-eabi-g++ $mcu $cxxflags -c "$f" -o "$o" -Wno-psabi &
  while [ "$(jobs -r | wc -l)" -ge 2 ]; do sleep 0.1; done
done
wait
rm -f "$out/libstela.a"
arm-none-eabi-ar rcs "$out/libstela.a" "$out"/obj/*.o

# 2. The float-only program, linked as an embedded user links it.
arm-none-eabi-g++ $mcu $cxxflags -c tests/embedded/float_only.cpp -o "$out/float_only.o"
arm-none-eabi-g++ $mcu -Os --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections -Wl,-Map,"$out/float_only.map" \
  "$out/float_only.o" "$out/libstela.a" -lm -o "$out/float_only.elf"
arm-none-eabi-size "$out/float_only.elf"

# 3. The scan.
helpers='^(__aeabi_(d[a-z0-9]*|[fil]2d|ul2d|ui2d)|__(adddf3|subdf3|muldf3|divdf3|extendsfdf2|truncdfsf2|floatsidf|floatunsidf|floatdidf|floatundidf|fixdfsi|fixunsdfsi|fixdfdi|fixunsdfdi|eqdf2|nedf2|ltdf2|ledf2|gtdf2|gedf2|unorddf2)|ldexp|frexp|scalbn|sqrt|fabs|pow|exp|log|hypot)$'
found=$(arm-none-eabi-nm "$out/float_only.elf" | awk '{print $NF}' | grep -E "$helpers" || true)
if [ -n "$found" ]; then
  echo "software double in a float-only program:" $found
  echo "called from:"
  arm-none-eabi-objdump -d --no-show-raw-insn "$out/float_only.elf" |
    awk -v re="<($(echo $found | tr ' ' '|'))>" '/^[0-9a-f]+ <.*>:$/ { fn = $2 } $0 ~ re && /\tb/ { print "  " fn }' |
    sort -u | arm-none-eabi-c++filt
  exit 1
fi
echo "no software double in the float-only program ($out/float_only.elf)"
