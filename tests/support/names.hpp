// Short names of options for SCOPED_TRACE and failure messages.
#pragma once

#include <string>
#include <type_traits>

#include "stela/blas.hpp"
#include "stela/subspace.hpp"
#include "stela/svd.hpp"

namespace stela::test {

template <class T>
const char* type_name() {
  return std::is_same_v<T, float> ? "float" : "double";
}

const char* op_name(Op op);  // "N" or "T", as BLAS writes them
const char* method_name(SvdMethod method);
const char* method_name(SubspaceMethod method);

}  // namespace stela::test
