// tools/stela/stream.hpp — `stela lstsq X Y --stream`: least squares on files larger
// than memory, a block of rows at a time (issue 14).
//
// X and Y are read in lockstep by io::RowStream (npy in C order, text, Matrix Market
// general arrays), each block of [X | Y] goes into a QrAccumulator (stela/streaming.hpp,
// TSQR: the R of [R; block]), and at the end W = R11^{-1} R12 by the rank rule of
// `lstsq --method qr`. Memory: two blocks of b rows (b d + b k doubles, and as many
// floats with --float), the (d + k)^2 factor and O((d + k)^2) workspace, whatever n is.
//
// Limits under --stream. --max-elements bounds what is formed: the block, b (d + k)
// entries; the factor, (d + k)^2; W, d k; and the columns of each file. --max-bytes
// bounds what is held: the block's bytes, and one line of a text or Matrix Market file.
// Neither bounds n or the size of the files: that is what streaming is for. A default
// block (no --chunk-rows) is shrunk to fit both limits; a given --chunk-rows beyond
// them is a resource_limit error.
//
// Progress. On a terminal (isatty(2)) and without --quiet, one line on standard error,
// rewritten in place at most four times a second: rows read (and of how many, when the
// headers say), rows per second, seconds elapsed. Erased at the end.
#pragma once

#include "common.hpp"

namespace stela::cli {

// What a streamed lstsq computed, in double whatever the precision.
struct StreamedLstsq {
  index rows = 0, d = 0, k = 0;
  index chunk_rows = 0;
  index rank = 0;
  double tolerance = 0, condition = 0;
  Matrix<double> W;
  Vector<double> residual_norm, forward_error;
  double seconds = 0;  // reading and accumulating, wall clock
};

// Reads inv.operands[0] (X) and [1] (Y) a block at a time and solves; failures leave by
// Failure as everywhere (invalid_input naming the file and line, dimension_mismatch
// naming both files, not_finite naming the row, resource_limit, rank_deficient).
template <class T>
StreamedLstsq stream_lstsq(const Invocation& inv);

// Usage checks of --stream, --chunk-rows and --quiet, before anything is read.
void check_stream_options(const Invocation& inv);

}  // namespace stela::cli
