// Short names of options (names.hpp).
#include "names.hpp"

namespace stela::test {

const char* op_name(Op op) { return op == Op::none ? "N" : "T"; }

const char* method_name(SvdMethod method) { return method == SvdMethod::jacobi ? "jacobi" : "golub_kahan"; }

const char* method_name(SubspaceMethod method) { return method == SubspaceMethod::svd ? "svd" : "cod"; }

}  // namespace stela::test
