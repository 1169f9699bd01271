# cmake -DNM=<nm> -DPROGRAM=<qr_only program> -P check_qr_only_links.cmake
#
# Fails when the QR-only program (qr_only.cpp, linked without --gc-sections) holds a
# symbol it should not pay for: the allocating layer's operator new and std::__throw_*,
# or another least-squares method's code (issue 13). A static archive links only the
# object files a program references, so this holds exactly when the low-level files
# never reference the allocating ones and each method lives in files of its own.
if(NOT NM OR NOT PROGRAM)
  message(FATAL_ERROR "pass -DNM=<nm> -DPROGRAM=<the qr_only program>")
endif()
execute_process(COMMAND ${NM} -C ${PROGRAM} OUTPUT_VARIABLE symbols RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "${NM} -C ${PROGRAM} failed")
endif()

# What must not be there, and why.
set(rules
  "operator new|the allocating layer (Matrix, Vector, WorkspaceBuffer)"
  "__throw_|std::__throw_* (std::vector's length and bad_alloc paths)"
  "svd|the SVD (lstsq by svd or jacobi)"
  "jacobi|the Jacobi SVD"
  "cholesky|Cholesky (lstsq by normal_cholesky)"
  "lu_kernel|lu_inplace|LU (lstsq by normal_lu)"
  "cod_kernel|qr_pivoted|column-pivoted QR (lstsq by qrcp)")
set(offences "")
foreach(rule IN LISTS rules)
  string(FIND "${rule}" "|" bar REVERSE)
  string(SUBSTRING "${rule}" 0 ${bar} pattern)
  math(EXPR after "${bar} + 1")
  string(SUBSTRING "${rule}" ${after} -1 why)
  # Whole lines of nm's output that match (no list splitting: C++ names hold brackets).
  string(REGEX MATCHALL "[^\n]*(${pattern})[^\n]*" found "${symbols}")
  if(found)
    string(APPEND offences "\n  ${why}: ${found}")
  endif()
endforeach()
if(offences)
  message(FATAL_ERROR "a program that calls only lstsq_qr_inplace links more than QR:${offences}")
endif()
string(REGEX MATCHALL "\n" newlines "${symbols}")
list(LENGTH newlines count)
message(STATUS "${PROGRAM}: ${count} symbols, none of the allocating layer or another method")
