// stela/assert.hpp — STELA_ASSERT, the one assertion macro of the core.
//
// The core checks user input and returns a Status; STELA_ASSERT only guards internal
// invariants and the callers' contract on kernels and views (indices in range, shapes
// that fit), as a debug build's assert does.
//
// By default STELA_ASSERT(cond) is the standard assert(cond): checked unless NDEBUG is
// defined. To route it elsewhere, define STELA_ASSERT before any stela header is
// included, identically for stela's own sources and the program (the views' inline
// members use it, so the two must agree), most simply on the compiler's command line:
//     -D'STELA_ASSERT(c)=((c) ? (void)0 : my_assert_hook())'
// Embedded builds do this to send a broken invariant to their own handler (a breakpoint,
// a reset, a log line) instead of the C library's assert, whose __assert_func pulls in
// fiprintf, stdio and malloc. Defining it as ((void)0) removes the checks, as NDEBUG does.
#pragma once

#ifndef STELA_ASSERT
#include <cassert>
#define STELA_ASSERT(cond) assert(cond)
#endif
