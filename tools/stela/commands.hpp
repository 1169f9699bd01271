// tools/stela/commands.hpp — the program's commands, one declaration each; main.cpp
// lists them and dispatches.
//
//   cmd_solve.cpp      lstsq, pinv, ridge, compare
//   cmd_decompose.cpp  svd, qr, null, rank, cond
//   demo.cpp           demo
//   stability.cpp      stability (the experiment in stability_experiment.cpp, its
//                      renderers in stability_report.cpp)
#pragma once

#include "args.hpp"

namespace stela::cli {

CommandSpec lstsq_command();
CommandSpec pinv_command();
CommandSpec ridge_command();
CommandSpec compare_command();

CommandSpec svd_command();
CommandSpec qr_command();
CommandSpec null_command();
CommandSpec rank_command();
CommandSpec cond_command();

CommandSpec demo_command();
CommandSpec stability_command();

}  // namespace stela::cli
