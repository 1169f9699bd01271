// to_string(Status): the enumerator's own name, for messages and JSON.
#include "stela/status.hpp"

namespace stela {

const char* to_string(Status status) {
  switch (status) {
    case Status::ok: return "ok";
    case Status::dimension_mismatch: return "dimension_mismatch";
    case Status::invalid_argument: return "invalid_argument";
    case Status::not_finite: return "not_finite";
    case Status::not_positive_definite: return "not_positive_definite";
    case Status::singular: return "singular";
    case Status::rank_deficient: return "rank_deficient";
    case Status::no_convergence: return "no_convergence";
    case Status::workspace_too_small: return "workspace_too_small";
  }
  return "unknown";
}

}  // namespace stela
