// The program's I/O layer (stela_io): every matrix format round-trips bit for bit,
// every malformed input is refused with a message that says where and why, a lying
// .npy header is refused before anything is allocated for it, JSON output parses and
// keeps every double, and SVG plots are well formed and deterministic.
//
// Test files go to testing::TempDir(), never into the source tree.
#include <unistd.h>

#include <atomic>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <sstream>

#include "io/json_writer.hpp"
#include "io/matrix_io.hpp"
#include "io/svg_plot.hpp"
#include "json_checker.hpp"
#include "test_support.hpp"

// ---------------------------------------------------------------------------------------
// The largest single allocation since the last reset, so a test can show that a
// lying header costs no memory. Replacing the global operator new is allowed
// ([replacement.functions]); the array and sized forms forward to these by default.
namespace {
std::atomic<std::size_t> g_largest_allocation{0};
}  // namespace

void* operator new(std::size_t size) {
  std::size_t seen = g_largest_allocation.load(std::memory_order_relaxed);
  while (size > seen && !g_largest_allocation.compare_exchange_weak(seen, size, std::memory_order_relaxed)) {
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// GCC inlines these into callers that got p from operator new and then warns that
// free() does not match new, although the new it sees is the malloc() above.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace stela::io {
namespace {

using stela::test::random_matrix;

// ---------------------------------------------------------------------------------------
// Helpers

// (The process id keeps two build trees' runs of the same test apart.)
std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "stela_test_io_" + std::to_string(getpid()) + "_" + name;
}

void write_bytes(const std::string& path, std::string_view bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(file.good()) << path;
}

std::uint64_t bits_of(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// Same shape and the same bits in every entry (so -0 differs from 0).
::testing::AssertionResult bit_identical(MatrixView<const double> A, MatrixView<const double> B) {
  if (A.rows() != B.rows() || A.cols() != B.cols())
    return ::testing::AssertionFailure() << "shape " << B.rows() << " x " << B.cols() << ", expected " << A.rows()
                                         << " x " << A.cols();
  if (A.rows() == 0) return ::testing::AssertionSuccess();  // no entries (0 x 2^31 - 1 is a test case)
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i)
      if (bits_of(A(i, j)) != bits_of(B(i, j)))
        return ::testing::AssertionFailure() << "entry (" << i << ", " << j << "): " << B(i, j) << ", expected " << A(i, j);
  return ::testing::AssertionSuccess();
}

// Entries over many magnitudes: a Gaussian times 10^k, k uniform in [-300, 300].
Matrix<double> wide_range_matrix(index m, index n, std::uint64_t seed) {
  Matrix<double> A = random_matrix<double>(m, n, seed);
  Rng rng(seed + 1);
  for (index j = 0; j < n; ++j)
    for (index i = 0; i < m; ++i) A(i, j) *= std::pow(10.0, std::floor(rng.uniform(-300, 300)));
  return A;
}

// The values that break number formatting: extremes, denormals, signed zeros,
// infinities, and decimals with no short binary form.
Matrix<double> extreme_matrix() {
  const double denormal_min = std::numeric_limits<double>::denorm_min();
  const double inf = std::numeric_limits<double>::infinity();
  return Matrix<double>{{1e-300, 1e300, denormal_min, -0.0},
                        {DBL_MAX, -DBL_MAX, DBL_MIN, DBL_MIN / 3},
                        {0.1, 1.0 / 3, -2.0 / 3, 0.0},
                        {inf, -inf, 123456789012345678.0, -4.9406564584124654e-320}};
}

const Format kAllFormats[] = {Format::text, Format::matrix_market, Format::npy};

Matrix<double> must_parse(std::string_view bytes, Format format) {
  Expected<Matrix<double>> A = parse_matrix(bytes, format, "test");
  EXPECT_TRUE(A.ok()) << (A.ok() ? "" : A.error().message);
  return A.ok() ? std::move(A).value() : Matrix<double>();
}

// The message of a parse that must fail.
std::string parse_error(std::string_view bytes, Format format, const char* name = "bad.dat") {
  Expected<Matrix<double>> A = parse_matrix(bytes, format, name);
  EXPECT_FALSE(A.ok()) << "parsed a " << (A.ok() ? A->rows() : 0) << " x " << (A.ok() ? A->cols() : 0) << " matrix";
  return A.ok() ? std::string() : A.error().message;
}

// ---------------------------------------------------------------------------------------
// Round trips

TEST(MatrixRoundTrip, EveryFormatGivesBackTheSameBitsAcrossShapes) {
  const index shapes[][2] = {{1, 1}, {1, 7}, {7, 1}, {3, 5}, {5, 3}, {10, 10}};
  for (Format format : kAllFormats)
    for (const auto& shape : shapes) {
      SCOPED_TRACE(std::string(to_string(format)) + " " + std::to_string(shape[0]) + "x" + std::to_string(shape[1]));
      const Matrix<double> A = wide_range_matrix(shape[0], shape[1], 17 + static_cast<std::uint64_t>(shape[0] * 31 + shape[1]));
      EXPECT_TRUE(bit_identical(A, must_parse(encode_matrix(A, format), format)));
    }
}

TEST(MatrixRoundTrip, ExtremeValuesSurviveEveryFormat) {
  const Matrix<double> A = extreme_matrix();
  for (Format format : kAllFormats) {
    SCOPED_TRACE(to_string(format));
    EXPECT_TRUE(bit_identical(A, must_parse(encode_matrix(A, format), format)));
  }
}

TEST(MatrixRoundTrip, NanReadsBackAsNanInTextAndBitExactInNpy) {
  const Matrix<double> A{{std::nan(""), 1}, {-std::nan(""), 2}};
  for (Format format : kAllFormats) {
    const Matrix<double> B = must_parse(encode_matrix(A, format), format);
    ASSERT_EQ(B.rows(), 2);
    EXPECT_TRUE(std::isnan(B(0, 0)) && std::isnan(B(1, 0))) << to_string(format);
    EXPECT_EQ(B(1, 1), 2);
  }
  EXPECT_TRUE(bit_identical(A, must_parse(encode_npy(A), Format::npy)));
}

TEST(MatrixRoundTrip, EmptyShapesSurviveMatrixMarketAndNpy) {
  for (Format format : {Format::matrix_market, Format::npy})
    for (auto [m, n] : {std::pair<index, index>{0, 0}, {0, 4}, {4, 0}}) {
      SCOPED_TRACE(std::string(to_string(format)) + " " + std::to_string(m) + "x" + std::to_string(n));
      EXPECT_TRUE(bit_identical(Matrix<double>(m, n), must_parse(encode_matrix(Matrix<double>(m, n), format), format)));
    }
}

TEST(MatrixRoundTrip, EmptyMatrixAsTextIsNoBytesAndReadingThatIsAnError) {
  EXPECT_EQ(encode_text(Matrix<double>(0, 3)), "");
  EXPECT_EQ(encode_text(Matrix<double>(3, 0)), "");
  EXPECT_NE(parse_error("", Format::text).find("empty"), std::string::npos);
}

TEST(MatrixRoundTrip, FilesOnDiskChooseTheFormatByExtension) {
  const Matrix<double> A = wide_range_matrix(4, 3, 5);
  for (const char* name : {"a.txt", "a.csv", "a.dat", "a.mtx", "a.npy", "a.MTX", "noextension"}) {
    SCOPED_TRACE(name);
    const std::string path = temp_path(name);
    ASSERT_TRUE(write_matrix(path, A).ok());
    const Expected<std::string> bytes = read_file(path);
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(*bytes, encode_matrix(A, format_from_path(name)));
    Expected<Matrix<double>> B = read_matrix(path);
    ASSERT_TRUE(B.ok()) << B.error().message;
    EXPECT_TRUE(bit_identical(A, *B));
  }
}

TEST(MatrixRoundTrip, ExplicitFormatOverridesTheExtension) {
  const Matrix<double> A = wide_range_matrix(2, 3, 9);
  const std::string path = temp_path("really_npy.txt");
  ASSERT_TRUE(write_matrix(path, A, Format::npy).ok());
  Expected<Matrix<double>> B = read_matrix(path, Format::npy);
  ASSERT_TRUE(B.ok()) << B.error().message;
  EXPECT_TRUE(bit_identical(A, *B));
  // Read as text (the extension's choice), it is refused with a hint.
  Expected<Matrix<double>> C = read_matrix(path);
  ASSERT_FALSE(C.ok());
  EXPECT_NE(C.error().message.find("NumPy .npy file"), std::string::npos) << C.error().message;
}

TEST(MatrixRoundTrip, HandWrittenFilesReadFromDisk) {
  const std::string csv = temp_path("hand.csv");
  write_bytes(csv, "# a,b\r\n1,2\r\n3,4\r\n");
  Expected<Matrix<double>> A = read_matrix(csv);
  ASSERT_TRUE(A.ok()) << A.error().message;
  EXPECT_TRUE(bit_identical(Matrix<double>{{1, 2}, {3, 4}}, *A));

  const std::string empty = temp_path("empty.txt");
  write_bytes(empty, "");
  Expected<Matrix<double>> E = read_matrix(empty);
  ASSERT_FALSE(E.ok());
  EXPECT_EQ(E.error().message, empty + ": the file is empty");
}

TEST(MatrixFormats, WrittenFilesHaveTheDocumentedLayout) {
  const Matrix<double> A{{1, 0.5}, {-2, 3}};
  EXPECT_EQ(encode_text(A), "1 0.5\n-2 3\n");
  EXPECT_EQ(encode_matrix_market(A), "%%MatrixMarket matrix array real general\n2 2\n1\n-2\n0.5\n3\n");
  const std::string npy = encode_npy(A);
  ASSERT_GE(npy.size(), 10u);
  EXPECT_EQ(npy.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const std::size_t header_length = static_cast<unsigned char>(npy[8]) + 256u * static_cast<unsigned char>(npy[9]);
  EXPECT_EQ((10 + header_length) % 64, 0u);
  EXPECT_EQ(npy[10 + header_length - 1], '\n');
  EXPECT_EQ(npy.size(), 10 + header_length + 4 * 8);
  EXPECT_NE(npy.find("'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Text input

TEST(TextInput, ReadsNumpySavetxtOutputWithHeaderAndTrailingComments) {
  const std::string text =
      "# x0 x1 x2\n"
      "1.000000000000000000e+00 -2.500000000000000000e+00 3.000000000000000000e-300\n"
      "\n"
      "   # an indented comment\n"
      "4.0\t5.0   6.0   # trailing comment\n";
  const Matrix<double> A = must_parse(text, Format::text);
  EXPECT_TRUE(bit_identical(Matrix<double>{{1, -2.5, 3e-300}, {4, 5, 6}}, A));
}

TEST(TextInput, CommasSpacesAndCrlfAllSeparate) {
  EXPECT_TRUE(bit_identical(Matrix<double>{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}},
                            must_parse("1,2,3\r\n4, 5, 6\r\n7 ,8,9\r\n", Format::text)));
  EXPECT_TRUE(bit_identical(Matrix<double>{{1.5}}, must_parse("1.5", Format::text)));  // no final newline
  // A byte order mark, as spreadsheets write before CSV, is not data.
  EXPECT_TRUE(bit_identical(Matrix<double>{{1, 2}}, must_parse("\xEF\xBB\xBF" "1,2\n", Format::text)));
}

TEST(TextInput, AcceptsNanAndInfinityInAnyCaseAndUnderflowToZero) {
  const Matrix<double> A = must_parse("nan NaN inf -inf\nINF -Infinity +1.5 .25\n0 0 1e-400 -1e-400\n", Format::text);
  ASSERT_EQ(A.rows(), 3);
  ASSERT_EQ(A.cols(), 4);
  EXPECT_TRUE(std::isnan(A(0, 0)) && std::isnan(A(0, 1)));
  EXPECT_EQ(A(0, 2), HUGE_VAL);
  EXPECT_EQ(A(0, 3), -HUGE_VAL);
  EXPECT_EQ(A(1, 0), HUGE_VAL);
  EXPECT_EQ(A(1, 1), -HUGE_VAL);
  EXPECT_EQ(A(1, 2), 1.5);
  EXPECT_EQ(A(1, 3), 0.25);
  // Below the range, as strtod: underflow to ±0.
  EXPECT_EQ(bits_of(A(2, 2)), bits_of(0.0));
  EXPECT_EQ(bits_of(A(2, 3)), bits_of(-0.0));
}

TEST(TextInput, NumberBeyondTheDoubleRangeIsAnErrorQuotingIt) {
  // Not a silent inf: the message quotes the token and says it overflows.
  for (const char* token : {"1e400", "-1e400", "17976931348623159e292"}) {
    SCOPED_TRACE(token);
    Expected<Matrix<double>> A = parse_text(std::string("1 ") + token + "\n", "X.txt");
    ASSERT_FALSE(A.ok());
    EXPECT_EQ(A.error().message, std::string("X.txt: line 1, column 3: '") + token +
                                     "' overflows: the largest double is 1.7976931348623157e+308");
    EXPECT_TRUE(A.error().overflow);
    EXPECT_EQ(A.error().column, 3);
  }
  // The largest double itself is fine, and other errors are not overflows.
  EXPECT_EQ(must_parse("1.7976931348623157e308\n", Format::text)(0, 0), 1.7976931348623157e308);
  Expected<Matrix<double>> junk = parse_text("abc\n", "X.txt");
  ASSERT_FALSE(junk.ok());
  EXPECT_FALSE(junk.error().overflow);
  // Matrix Market: the same rule.
  Expected<Matrix<double>> M =
      parse_matrix_market("%%MatrixMarket matrix array real general\n1 2\n1\n2e308\n", "A.mtx");
  ASSERT_FALSE(M.ok());
  EXPECT_EQ(M.error().message, "A.mtx: line 4, column 1: '2e308' overflows: the largest double is 1.7976931348623157e+308");
  EXPECT_TRUE(M.error().overflow);
}

TEST(TextInput, RaggedRowNamesTheLineColumnAndBothCounts) {
  Expected<Matrix<double>> A = parse_text("1 2 3\n# comment\n\n4 5\n", "X.txt");
  ASSERT_FALSE(A.ok());
  EXPECT_EQ(A.error().message, "X.txt: line 4, column 4: missing value (the row has 2 values, expected 3 as on line 1)");
  EXPECT_EQ(A.error().line, 4);
  EXPECT_EQ(A.error().column, 4);  // just after the row's last value
  // Too many: the column of the first value too many.
  Expected<Matrix<double>> B = parse_text("1 2\n3 4 55 6\n", "X.txt");
  ASSERT_FALSE(B.ok());
  EXPECT_EQ(B.error().message, "X.txt: line 2, column 5: extra value (the row has 4 values, expected 2 as on line 1)");
  EXPECT_EQ(B.error().column, 5);
}

TEST(TextInput, JunkTokenNamesFileLineAndColumn) {
  Expected<Matrix<double>> A = parse_text("1 2 3\n4.0 5.0 abc\n", "X.txt");
  ASSERT_FALSE(A.ok());
  EXPECT_EQ(A.error().message, "X.txt: line 2, column 9: cannot read 'abc' as a number");
  EXPECT_EQ(A.error().line, 2);
  EXPECT_EQ(A.error().column, 9);
  // Half a number is junk too, and so are hexadecimal floats and stray bytes.
  EXPECT_NE(parse_error("1 2e\n", Format::text).find("line 1, column 3: cannot read '2e'"), std::string::npos);
  EXPECT_NE(parse_error("0x1p3\n", Format::text).find("cannot read '0x1p3'"), std::string::npos);
  EXPECT_NE(parse_error("1 \x01\xff\n", Format::text).find("cannot read '\\x01\\xff'"), std::string::npos);
}

TEST(TextInput, MisplacedCommasAreErrorsNotSilentlyShiftedColumns) {
  EXPECT_NE(parse_error("1,,2\n", Format::text).find("line 1, column 3: missing value before ','"), std::string::npos);
  EXPECT_NE(parse_error(",1,2\n", Format::text).find("line 1, column 1: missing value before ','"), std::string::npos);
  EXPECT_NE(parse_error("1,2,\n", Format::text).find("line 1, column 4: missing value after ','"), std::string::npos);
  EXPECT_NE(parse_error("1,2, # note\n", Format::text).find("missing value after ','"), std::string::npos);
}

TEST(TextInput, EmptyOrCommentOnlyFileIsAnError) {
  EXPECT_EQ(parse_error("", Format::text, "e.txt"), "e.txt: the file is empty");
  EXPECT_EQ(parse_error("# nothing\n\n   \n", Format::text, "e.txt"),
            "e.txt: no numbers in the file (only comments or blank lines)");
}

TEST(TextInput, MissingFileAndDirectoryAreErrorsNamingThePath) {
  const std::string missing = temp_path("does_not_exist.txt");
  Expected<Matrix<double>> A = read_matrix(missing);
  ASSERT_FALSE(A.ok());
  EXPECT_EQ(A.error().message.rfind(missing + ": cannot open", 0), 0u) << A.error().message;
  EXPECT_NE(A.error().message.find("No such file"), std::string::npos) << A.error().message;

  Expected<Matrix<double>> D = read_matrix(::testing::TempDir());
  ASSERT_FALSE(D.ok());
  EXPECT_NE(D.error().message.find("is a directory"), std::string::npos) << D.error().message;
}

TEST(TextInput, MatrixMarketContentGivenAsTextGetsAHint) {
  EXPECT_NE(parse_error("%%MatrixMarket matrix array real general\n1 1\n2\n", Format::text).find("Matrix Market file"),
            std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Standard input (any stream): sniffing and explicit formats

TEST(StreamInput, DefaultsToTextAndRecognisesNpyAndMatrixMarket) {
  const Matrix<double> A = wide_range_matrix(3, 2, 77);
  for (Format format : kAllFormats) {
    SCOPED_TRACE(to_string(format));
    std::istringstream in(encode_matrix(A, format));
    Expected<Matrix<double>> B = read_matrix(in, kStdinName);
    ASSERT_TRUE(B.ok()) << B.error().message;
    EXPECT_TRUE(bit_identical(A, *B));
  }
  std::istringstream in("1 2\n3 x\n");
  Expected<Matrix<double>> C = read_matrix(in, kStdinName, Format::text);
  ASSERT_FALSE(C.ok());
  EXPECT_EQ(C.error().message, "<stdin>: line 2, column 3: cannot read 'x' as a number");
}

TEST(FormatChoice, ExtensionsAndNames) {
  EXPECT_EQ(format_from_path("a.txt"), Format::text);
  EXPECT_EQ(format_from_path("a.csv"), Format::text);
  EXPECT_EQ(format_from_path("dir.npy/a"), Format::text);
  EXPECT_EQ(format_from_path("-"), Format::text);
  EXPECT_EQ(format_from_path("data/A.Mtx"), Format::matrix_market);
  EXPECT_EQ(format_from_path("y.NPY"), Format::npy);
  EXPECT_EQ(parse_format("CSV"), Format::text);
  EXPECT_EQ(parse_format("matrix-market"), Format::matrix_market);
  EXPECT_EQ(parse_format("mtx"), Format::matrix_market);
  EXPECT_EQ(parse_format("npy"), Format::npy);
  EXPECT_FALSE(parse_format("xlsx").has_value());
}

TEST(VectorShape, OneRowOrOneColumnBecomesAColumn) {
  Expected<Matrix<double>> row = as_column(Matrix<double>{{1, 2, 3}}, "y.txt");
  ASSERT_TRUE(row.ok());
  EXPECT_TRUE(bit_identical(Matrix<double>{{1}, {2}, {3}}, *row));
  Expected<Matrix<double>> col = as_column(Matrix<double>{{1}, {2}}, "y.txt");
  ASSERT_TRUE(col.ok());
  EXPECT_TRUE(bit_identical(Matrix<double>{{1}, {2}}, *col));
  Expected<Matrix<double>> one_by_zero = as_column(Matrix<double>(1, 0), "y.txt");
  ASSERT_TRUE(one_by_zero.ok());
  EXPECT_EQ(one_by_zero->rows(), 0);
  EXPECT_EQ(one_by_zero->cols(), 1);
  Expected<Matrix<double>> matrix = as_column(Matrix<double>(3, 4), "y.txt");
  ASSERT_FALSE(matrix.ok());
  EXPECT_EQ(matrix.error().message, "y.txt: expected a vector (one row or one column), found a 3 x 4 matrix");
}

// ---------------------------------------------------------------------------------------
// Matrix Market input

TEST(MatrixMarketInput, ReadsArrayFilesWithCommentsAndFreeLayout) {
  const std::string text =
      "%%matrixmarket MATRIX Array Real General\n"
      "% a comment\n"
      "%\n"
      "\n"
      "2 3\n"
      "1 4\n"
      "2   5\n"
      "% between entries\n"
      "3\n"
      "6\n";
  EXPECT_TRUE(bit_identical(Matrix<double>{{1, 2, 3}, {4, 5, 6}}, must_parse(text, Format::matrix_market)));
}

TEST(MatrixMarketInput, IntegerSymmetricAndSkewSymmetric) {
  EXPECT_TRUE(bit_identical(Matrix<double>{{1, 2}, {3, -4}},
                            must_parse("%%MatrixMarket matrix array integer general\n2 2\n1\n3\n2\n-4\n", Format::matrix_market)));
  // Lower triangle with the diagonal, column by column.
  EXPECT_TRUE(bit_identical(Matrix<double>{{1, 2, 3}, {2, 4, 5}, {3, 5, 6}},
                            must_parse("%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n6\n", Format::matrix_market)));
  // Strict lower triangle, negated above, zero diagonal.
  EXPECT_TRUE(bit_identical(Matrix<double>{{0, -1, -2}, {1, 0, -3}, {2, 3, 0}},
                            must_parse("%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n", Format::matrix_market)));
}

TEST(MatrixMarketInput, WrongCountOfValuesIsAnError) {
  const std::string header = "%%MatrixMarket matrix array real general\n2 3\n";
  Expected<Matrix<double>> few = parse_matrix_market(header + "1\n2\n3\n4\n5\n", "A.mtx");
  ASSERT_FALSE(few.ok());
  EXPECT_EQ(few.error().message, "A.mtx: found 5 values, but the size line (line 2) promises 6 for a 2 x 3 matrix");
  Expected<Matrix<double>> many = parse_matrix_market(header + "1\n2\n3\n4\n5\n6 7\n", "A.mtx");
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.error().message, "A.mtx: line 8, column 3: more values than the 6 the size line (line 2) promises");
  Expected<Matrix<double>> junk = parse_matrix_market(header + "1\n2\n3\n4\n  five\n6\n", "A.mtx");
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.error().message, "A.mtx: line 7, column 3: cannot read 'five' as a number");
  EXPECT_NE(parse_error("%%MatrixMarket matrix array integer general\n1 1\n2.5\n", Format::matrix_market)
                .find("cannot read '2.5' as an integer"),
            std::string::npos);
}

TEST(MatrixMarketInput, HugeSizeLineWithFewValuesFailsWithoutAllocating) {
  g_largest_allocation = 0;
  const std::string message =
      parse_error("%%MatrixMarket matrix array real general\n1000000000 1000000000\n1\n2\n", Format::matrix_market);
  EXPECT_NE(message.find("found 2 values, but the size line (line 2) promises 1000000000000000000"), std::string::npos) << message;
  EXPECT_LT(g_largest_allocation.load(), std::size_t(1) << 20);
  EXPECT_NE(parse_error("%%MatrixMarket matrix array real general\n9223372036854775807 2\n", Format::matrix_market)
                .find("too large"),
            std::string::npos);
  EXPECT_NE(parse_error("%%MatrixMarket matrix array real general\n99999999999999999999 2\n", Format::matrix_market)
                .find("size line"),
            std::string::npos);
}

TEST(MatrixMarketInput, UnsupportedKindsAreRefusedByName) {
  const std::pair<const char*, const char*> cases[] = {
      {"%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 5\n", "'coordinate'"},
      {"%%MatrixMarket matrix array complex general\n1 1\n1 2\n", "field 'complex'"},
      {"%%MatrixMarket matrix array pattern general\n1 1\n", "field 'pattern'"},
      {"%%MatrixMarket matrix array real hermitian\n1 1\n1\n", "symmetry 'hermitian'"},
      {"%%MatrixMarket vector array real general\n1\n1\n", "object 'vector'"},
      {"%%MatrixMarket matrix array real\n1 1\n1\n", "four words"},
      {"%%MatrixMarket matrix array real symmetric\n2 3\n1\n2\n3\n", "must be square, not 2 x 3"},
      {"%%MatrixMarket matrix array real general\n2\n1\n2\n", "size line"},
      {"%%MatrixMarket matrix array real general\n-2 1\n1\n2\n", "size line"},
      {"%%MatrixMarket matrix array real general\n% only comments\n", "no size line"},
      {"1 2\n3 4\n", "not a Matrix Market file"},
      {"", "the file is empty"},
  };
  for (const auto& [text, expected] : cases) {
    SCOPED_TRACE(text);
    const std::string message = parse_error(text, Format::matrix_market);
    EXPECT_NE(message.find(expected), std::string::npos) << message;
  }
}

// ---------------------------------------------------------------------------------------
// .npy input

// A .npy file with the given version, header dict (padded here to 64 bytes) and data.
std::string make_npy(const std::string& dict, std::string_view data, int major = 1, int minor = 0) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += static_cast<char>(minor);
  const int length_bytes = major == 1 ? 2 : 4;
  for (int b = 0; b < length_bytes; ++b) out += static_cast<char>((header.size() >> (8 * b)) & 0xff);
  return out + header + std::string(data);
}

// The values' bytes, least significant first, whatever the host's byte order.
template <class T>
std::string little_endian(std::initializer_list<T> values) {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8);
  using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  std::string out;
  for (T v : values) {
    Bits bits;
    std::memcpy(&bits, &v, sizeof(T));
    for (std::size_t b = 0; b < sizeof(T); ++b) out += static_cast<char>((bits >> (8 * b)) & 0xff);
  }
  return out;
}

std::string npy_dict(const char* descr, const char* order, const char* shape) {
  return std::string("{'descr': '") + descr + "', 'fortran_order': " + order + ", 'shape': " + shape + ", }";
}

TEST(NpyInput, ReadsCAndFortranOrderInEveryVersion) {
  const Matrix<double> expected{{1, 2, 3}, {4, 5, 6}};
  const std::string c_data = little_endian<double>({1, 2, 3, 4, 5, 6});
  const std::string f_data = little_endian<double>({1, 4, 2, 5, 3, 6});
  for (int major : {1, 2, 3}) {
    SCOPED_TRACE(major);
    EXPECT_TRUE(bit_identical(expected, must_parse(make_npy(npy_dict("<f8", "False", "(2, 3)"), c_data, major), Format::npy)));
    EXPECT_TRUE(bit_identical(expected, must_parse(make_npy(npy_dict("<f8", "True", "(2, 3)"), f_data, major), Format::npy)));
  }
}

TEST(NpyInput, ConvertsFloat32AndIntegers) {
  const Matrix<double> expected{{1.5, -2}, {0.25, 8}};
  EXPECT_TRUE(bit_identical(
      expected, must_parse(make_npy(npy_dict("<f4", "False", "(2, 2)"), little_endian<float>({1.5f, -2, 0.25f, 8})), Format::npy)));
  EXPECT_TRUE(bit_identical(Matrix<double>{{-3, 7}},
                            must_parse(make_npy(npy_dict("<i4", "False", "(1, 2)"), little_endian<std::int32_t>({-3, 7})), Format::npy)));
  EXPECT_TRUE(bit_identical(Matrix<double>{{-3}, {7}},
                            must_parse(make_npy(npy_dict("<i8", "True", "(2, 1)"), little_endian<std::int64_t>({-3, 7})), Format::npy)));
}

TEST(NpyInput, OneDimensionalIsAColumnAndZeroSizesAreFine) {
  EXPECT_TRUE(bit_identical(Matrix<double>{{1}, {2}, {3}},
                            must_parse(make_npy(npy_dict("<f8", "False", "(3,)"), little_endian<double>({1, 2, 3})), Format::npy)));
  EXPECT_TRUE(bit_identical(Matrix<double>(0, 1), must_parse(make_npy(npy_dict("<f8", "False", "(0,)"), ""), Format::npy)));
  EXPECT_TRUE(bit_identical(Matrix<double>(0, 3), must_parse(make_npy(npy_dict("<f8", "False", "(0, 3)"), ""), Format::npy)));
  EXPECT_TRUE(bit_identical(Matrix<double>(3, 0), must_parse(make_npy(npy_dict("<f8", "True", "(3, 0)"), ""), Format::npy)));
  // Python 2 era headers wrote longs with an L and keys in another order.
  EXPECT_TRUE(bit_identical(Matrix<double>{{1, 2}},
                            must_parse(make_npy("{'shape': (1L, 2L), 'fortran_order': False, 'descr': '<f8'}",
                                                little_endian<double>({1, 2})),
                                       Format::npy)));
}

TEST(NpyInput, LyingHeaderFailsFastWithoutAllocating) {
  const std::string data = little_endian<double>({1, 2, 3, 4});
  g_largest_allocation = 0;
  // 1e12 x 1e12 doubles: 8e24 bytes, beyond any 64-bit size.
  const std::string huge = parse_error(make_npy(npy_dict("<f8", "False", "(1000000000000, 1000000000000)"), data), Format::npy);
  EXPECT_NE(huge.find("too large"), std::string::npos) << huge;
  // 1e6 x 1e6 doubles: 8e12 bytes, a size_t, but not in the file.
  const std::string big = parse_error(make_npy(npy_dict("<f8", "False", "(1000000, 1000000)"), data), Format::npy);
  EXPECT_NE(big.find("truncated .npy data: shape 1000000 x 1000000 of <f8 needs 8000000000000 bytes, but only 32 follow"),
            std::string::npos)
      << big;
  // Products that wrap around 2^64 to something small must not pass.
  const std::string wrap = parse_error(make_npy(npy_dict("<f8", "False", "(4294967296, 4294967296)"), data), Format::npy);
  EXPECT_NE(wrap.find("too large"), std::string::npos) << wrap;
  const std::string wrap8 = parse_error(make_npy(npy_dict("<f8", "False", "(2305843009213693952, 1)"), data), Format::npy);
  EXPECT_NE(wrap8.find("too large"), std::string::npos) << wrap8;
  // Each dimension allowed, but the byte count (2^65 or so) beyond 64 bits.
  const std::string bytes = parse_error(make_npy(npy_dict("<f8", "False", "(2147483647, 2147483647)"), data), Format::npy);
  EXPECT_NE(bytes.find("too large for any file"), std::string::npos) << bytes;
  EXPECT_LT(g_largest_allocation.load(), std::size_t(1) << 20);
}

TEST(NpyInput, DimensionsBeyondTwoToThe31AreRefusedEvenWhenEmpty) {
  const std::string message = parse_error(make_npy(npy_dict("<f8", "False", "(0, 3000000000)"), ""), Format::npy);
  EXPECT_NE(message.find("a dimension exceeds 2147483647"), std::string::npos) << message;
  // Up to 2^31 - 1 when the caller's limits allow it (the default limits refuse a
  // dimension above 2^27: test_hostile_input.cpp).
  ReadLimits wide;
  wide.max_elements = 2147483647;
  const Expected<Matrix<double>> empty_wide =
      parse_npy(make_npy(npy_dict("<f8", "False", "(0, 2147483647)"), ""), "wide.npy", wide);
  ASSERT_TRUE(empty_wide.ok()) << empty_wide.error().message;
  EXPECT_TRUE(bit_identical(Matrix<double>(0, 2147483647), *empty_wide));
  EXPECT_NE(parse_error("%%MatrixMarket matrix array real general\n3000000000 0\n", Format::matrix_market)
                .find("a dimension exceeds 2147483647"),
            std::string::npos);
}

TEST(NpyInput, TruncatedDataAndTrailingBytesAreErrors) {
  const std::string dict = npy_dict("<f8", "False", "(2, 2)");
  const std::string data = little_endian<double>({1, 2, 3, 4});
  EXPECT_NE(parse_error(make_npy(dict, data.substr(0, 31)), Format::npy).find("truncated .npy data"), std::string::npos);
  EXPECT_NE(parse_error(make_npy(dict, data + "x"), Format::npy).find("1 unexpected bytes after the data"), std::string::npos);
  // A header length pointing past the end of the file.
  std::string file = make_npy(dict, "");
  file[8] = '\xff';
  EXPECT_NE(parse_error(file, Format::npy).find("truncated .npy header"), std::string::npos);
}

TEST(NpyInput, BadMagicVersionAndDtypeAreRefusedClearly) {
  const std::string data = little_endian<double>({1, 2});
  const std::string good = make_npy(npy_dict("<f8", "False", "(1, 2)"), data);
  std::string bad_magic = good;
  bad_magic[1] = 'n';
  EXPECT_NE(parse_error(bad_magic, Format::npy).find("not a .npy file"), std::string::npos);
  EXPECT_NE(parse_error("1 2 3\n", Format::npy).find("not a .npy file"), std::string::npos);
  EXPECT_NE(parse_error(make_npy(npy_dict("<f8", "False", "(1, 2)"), data, 4, 0), Format::npy)
                .find("unsupported .npy format version 4.0"),
            std::string::npos);
  EXPECT_NE(parse_error(make_npy(npy_dict("<f8", "False", "(1, 2)"), data, 1, 1), Format::npy).find("version 1.1"),
            std::string::npos);
  EXPECT_NE(parse_error(make_npy(npy_dict(">f8", "False", "(1, 2)"), data), Format::npy).find("big-endian"), std::string::npos);
  EXPECT_NE(parse_error(make_npy(npy_dict("<c16", "False", "(1, 1)"), std::string(16, '\0')), Format::npy)
                .find("unsupported dtype '<c16'"),
            std::string::npos);
  EXPECT_NE(parse_error(make_npy(npy_dict("|b1", "False", "(1, 2)"), "\1\0"), Format::npy).find("unsupported dtype '|b1'"),
            std::string::npos);
  EXPECT_NE(parse_error(make_npy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", std::string(8, '\0')), Format::npy)
                .find("structured"),
            std::string::npos);
}

TEST(NpyInput, MalformedHeaderDictsAreRefused) {
  const std::string data = little_endian<double>({1, 2});
  const std::pair<const char*, const char*> cases[] = {
      {"{'descr': '<f8', 'shape': (1, 2), }", "must have the keys"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), 'extra': 1}", "unexpected key 'extra'"},
      {"{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1, 2)}", "duplicate key 'descr'"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2)", "expected ',' or '}'"},
      {"{'descr': '<f8', 'fortran_order': false, 'shape': (1, 2)}", "True or False"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (2)}", "not a tuple"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (-1, 2)}", "non-negative integers"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 2)}", "3-dimensional"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': ()}", "0-dimensional"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 1)}", "too large"},
      {"{'descr': '<f8', 'fortran_order': False 'shape': (1, 2)}", "expected ',' or '}'"},
      {"{'descr' '<f8', 'fortran_order': False, 'shape': (1, 2)}", "expected ':'"},
      {"{descr: '<f8', 'fortran_order': False, 'shape': (1, 2)}", "expected a quoted key"},
      {"{'descr': '<f8' 'fortran_order': False, 'shape': (1, 2)}", "expected ',' or '}'"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2)} junk", "unexpected bytes after the header dict"},
      {"['descr', '<f8']", "not a dict"},
  };
  for (const auto& [dict, expected] : cases) {
    SCOPED_TRACE(dict);
    const std::string message = parse_error(make_npy(dict, data), Format::npy);
    EXPECT_NE(message.find(expected), std::string::npos) << message;
  }
}

// Every prefix of a valid file, and every single-byte change of it, is refused or read,
// never a crash, hang or huge allocation (run it under the sanitizers to see memory
// errors too).
TEST(NpyInput, TruncationsAndByteFlipsNeverCrash) {
  const std::string good = make_npy(npy_dict("<f8", "True", "(3, 2)"), little_endian<double>({1, 2, 3, 4, 5, 6}));
  for (std::size_t length = 0; length < good.size(); ++length)
    EXPECT_FALSE(parse_npy(std::string_view(good).substr(0, length), "cut.npy").ok()) << length;
  g_largest_allocation = 0;
  const char replacements[] = {'\0', '\xff', '9', ',', ')', '(', '\'', '}', ' ', '\n'};
  for (std::size_t k = 0; k < good.size(); ++k)
    for (char r : replacements) {
      std::string mutated = good;
      mutated[k] = r;
      (void)parse_npy(mutated, "flip.npy").ok();
    }
  EXPECT_LT(g_largest_allocation.load(), std::size_t(1) << 20);
}

TEST(TextInput, ArbitraryBytesNeverCrash) {
  Rng rng(2024);
  for (int trial = 0; trial < 500; ++trial) {
    std::string bytes(static_cast<std::size_t>(rng.next_u64() % 64), '\0');
    const char alphabet[] = "0123456789.eE+-,# \t\r\nnaifNAIF%x\x93";
    for (char& c : bytes) c = alphabet[rng.next_u64() % (sizeof alphabet - 1)];
    for (Format format : kAllFormats) (void)parse_matrix(bytes, format, "random").ok();
  }
}

// ---------------------------------------------------------------------------------------
// Writing files

TEST(FileOutput, UnwritablePathIsAnErrorNamingIt) {
  const std::string path = temp_path("no_such_dir/out.txt");
  Expected<void> result = write_matrix(path, Matrix<double>{{1}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message.rfind(path + ": cannot open for writing", 0), 0u) << result.error().message;
}

// ---------------------------------------------------------------------------------------
// JSON: the strict checker of json_checker.hpp, then the writer's cases.

using stela::test::JsonChecker;
using stela::test::JsonValue;
using stela::test::member;
using stela::test::parse_json;

TEST(JsonChecker, RejectsWhatJsonForbids) {
  JsonValue v;
  for (const char* bad : {"", "[1,]", "{\"a\":1,}", "[01]", "[1.]", "[.5]", "[1e]", "[nan]", "[Infinity]", "\"a\nb\"",
                          "{'a': 1}", "[1] [2]", "[\"\\x41\"]", "{\"a\" 1}", "[+1]"})
    EXPECT_FALSE(JsonChecker().parse(bad, v)) << bad;
  for (const char* good : {"0", "-0", "[1e+300, -2.5E-3, 1]", "{\"a\": [true, false, null], \"b\": {}}", "\"\\u00e9\""})
    EXPECT_TRUE(JsonChecker().parse(good, v)) << good;
}

TEST(JsonWriter, PrettyLayoutIsAsDocumented) {
  std::ostringstream out;
  JsonWriter json(out);
  json.begin_object();
  json.key("method").value("svd");
  json.key("rank").value(2);
  json.key("solution").vector(std::vector<double>{1, 0.5});
  json.key("U").matrix(Matrix<double>{{1, 2}, {3, 4}});
  json.key("empty").begin_array().end_array();
  json.end_object();
  EXPECT_TRUE(json.done());
  EXPECT_EQ(out.str(),
            "{\n"
            "  \"method\": \"svd\",\n"
            "  \"rank\": 2,\n"
            "  \"solution\": [1, 0.5],\n"
            "  \"U\": [\n"
            "    [1, 2],\n"
            "    [3, 4]\n"
            "  ],\n"
            "  \"empty\": []\n"
            "}\n");
}

TEST(JsonWriter, CompactOutputHasNoWhiteSpace) {
  std::ostringstream out;
  JsonWriter json(out, JsonStyle::compact);
  json.begin_object().key("a").matrix(Matrix<double>{{1, 2}}).key("b").begin_object().key("c").null().end_object().end_object();
  EXPECT_EQ(out.str(), "{\"a\":[[1,2]],\"b\":{\"c\":null}}\n");
}

TEST(JsonWriter, StringsAreEscapedAndStayValidUtf8) {
  const std::string tricky = std::string("quote\" backslash\\ slash/ nl\n tab\t cr\r bs\b ff\f ") + '\x01' + '\x1f' + '\x7f' +
                             " kappa \xce\xba euro \xe2\x82\xac clef \xf0\x9d\x84\x9e";
  const std::string invalid = "bad \xff lone \xc3 end";  // not UTF-8
  for (JsonStyle style : {JsonStyle::compact, JsonStyle::pretty}) {
    std::ostringstream out;
    JsonWriter json(out, style);
    json.begin_object().key(tricky).value(tricky).key("invalid").value(invalid).end_object();
    const JsonValue v = parse_json(out.str());
    ASSERT_EQ(v.members.size(), 2u);
    EXPECT_EQ(v.members[0].first, tricky);
    EXPECT_EQ(v.members[0].second.text, tricky);
    EXPECT_EQ(v.members[1].second.text, "bad \xef\xbf\xbd lone \xef\xbf\xbd end");  // U+FFFD twice
  }
  EXPECT_EQ(json_quote("a\"b\\c\x01"), "\"a\\\"b\\\\c\\u0001\"");
}

TEST(JsonWriter, DoublesKeepAllBitsAndNonFiniteBecomesNull) {
  std::vector<double> values = {0.1, 1.0 / 3, -2.0 / 3, 1e300, -1e-300, DBL_MAX, DBL_MIN,
                                std::numeric_limits<double>::denorm_min(), -0.0, 0.0, 2.0, 1e21, 123456789.0};
  Rng rng(99);
  while (values.size() < 2000) {
    const std::uint64_t b = rng.next_u64();
    double x;
    std::memcpy(&x, &b, sizeof x);
    if (std::isfinite(x)) values.push_back(x);
  }
  std::ostringstream out;
  JsonWriter json(out, JsonStyle::compact);
  json.begin_array();
  for (double x : values) json.value(x);
  json.value(std::nan("")).value(HUGE_VAL).value(-HUGE_VAL).value(1.5f);
  json.end_array();
  const JsonValue v = parse_json(out.str());
  ASSERT_EQ(v.items.size(), values.size() + 4);
  for (std::size_t k = 0; k < values.size(); ++k) {
    ASSERT_EQ(v.items[k].kind, JsonValue::number) << k;
    EXPECT_EQ(bits_of(std::strtod(v.items[k].text.c_str(), nullptr)), bits_of(values[k])) << v.items[k].text;
  }
  for (std::size_t k = values.size(); k < values.size() + 3; ++k) EXPECT_EQ(v.items[k].kind, JsonValue::null);
  EXPECT_EQ(v.items.back().text, "1.5");
  EXPECT_EQ(v.items[0].text, "0.10000000000000001");  // 17 significant digits, as %.17g
  EXPECT_EQ(v.items[3].text, "1.0000000000000001e+300");
}

TEST(JsonWriter, IntegersBooleansAndNull) {
  std::ostringstream out;
  JsonWriter json(out, JsonStyle::compact);
  json.begin_array()
      .value(0)
      .value(-7)
      .value(index{42})
      .value(std::size_t{7})
      .value(std::numeric_limits<std::int64_t>::min())
      .value(std::numeric_limits<std::uint64_t>::max())
      .value(true)
      .value(false)
      .null()
      .end_array();
  EXPECT_EQ(out.str(), "[0,-7,42,7,-9223372036854775808,18446744073709551615,true,false,null]\n");
}

TEST(JsonWriter, MatricesAreArraysOfRowsAndOneColumnCanBeFlat) {
  std::ostringstream out;
  JsonWriter json(out);
  const Matrix<double> A{{1, 2, 3}, {4, 5, 6}};
  const Matrix<float> W{{1.5f}, {-2}};
  json.begin_object();
  json.key("A").matrix(A);
  json.key("At").matrix(transpose(MatrixView<const double>(A)));
  json.key("w").matrix_or_vector(W);
  json.key("W").matrix_or_vector(A);
  json.key("m_by_0").matrix(Matrix<double>(2, 0));
  json.key("0_by_n").matrix(Matrix<double>(0, 2));
  json.key("column").vector(A.col(1));
  json.end_object();
  const JsonValue v = parse_json(out.str());
  const JsonValue* a = member(v, "A");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->items.size(), 2u);
  ASSERT_EQ(a->items[1].items.size(), 3u);
  EXPECT_EQ(a->items[1].items[0].text, "4");
  EXPECT_EQ(member(v, "At")->items.size(), 3u);
  const JsonValue* w = member(v, "w");
  ASSERT_EQ(w->items.size(), 2u);
  EXPECT_EQ(w->items[0].kind, JsonValue::number);
  EXPECT_EQ(w->items[1].text, "-2");
  EXPECT_EQ(member(v, "W")->items[0].kind, JsonValue::array);
  EXPECT_EQ(member(v, "m_by_0")->items.size(), 2u);
  EXPECT_TRUE(member(v, "m_by_0")->items[0].items.empty());
  EXPECT_TRUE(member(v, "0_by_n")->items.empty());
  EXPECT_EQ(member(v, "column")->items[1].text, "5");
}

// ---------------------------------------------------------------------------------------
// SVG

// True when every tag is closed in order (a light well-formedness check: element
// nesting, quoted attributes, no stray '<' or '&').
::testing::AssertionResult well_formed_xml(const std::string& svg) {
  std::vector<std::string> open;
  std::size_t pos = 0;
  while ((pos = svg.find('<', pos)) != std::string::npos) {
    const std::size_t end = svg.find('>', pos);
    if (end == std::string::npos) return ::testing::AssertionFailure() << "unclosed tag at " << pos;
    const std::string tag = svg.substr(pos + 1, end - pos - 1);
    if (std::count(tag.begin(), tag.end(), '"') % 2 != 0) return ::testing::AssertionFailure() << "unbalanced quotes: " << tag;
    if (tag.find('<') != std::string::npos) return ::testing::AssertionFailure() << "'<' inside a tag: " << tag;
    if (!tag.empty() && tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return ::testing::AssertionFailure() << "mismatched </" << tag.substr(1) << ">";
      open.pop_back();
    } else if (!tag.empty() && tag.back() != '/' && tag[0] != '?') {
      open.push_back(tag.substr(0, tag.find(' ')));
    }
    pos = end + 1;
  }
  if (!open.empty()) return ::testing::AssertionFailure() << "<" << open.back() << "> never closed";
  // Outside tags, '&' only starts one of the five entities.
  for (std::size_t amp = svg.find('&'); amp != std::string::npos; amp = svg.find('&', amp + 1)) {
    const std::string rest = svg.substr(amp, 6);
    if (rest.rfind("&amp;", 0) != 0 && rest.rfind("&lt;", 0) != 0 && rest.rfind("&gt;", 0) != 0 &&
        rest.rfind("&quot;", 0) != 0 && rest.rfind("&apos;", 0) != 0)
      return ::testing::AssertionFailure() << "bare '&' at " << amp;
  }
  return ::testing::AssertionSuccess();
}

LogLogPlot stability_plot() {
  LogLogPlot plot;
  plot.title = "Forward error vs condition number";
  plot.x_label = "kappa(X)";
  plot.y_label = "relative error";
  std::vector<double> kappa;
  for (int k = 0; k <= 16; k += 2) kappa.push_back(std::pow(10.0, k));
  PlotSeries svd{"svd", kappa, {}}, normal{"normal_cholesky", kappa, {}}, qr{"qr & <friends>", kappa, {}};
  for (double c : kappa) {
    svd.y.push_back(1e-16 * c);
    normal.y.push_back(c < 1e9 ? 1e-16 * c * c : std::nan(""));  // failed beyond 1e8
    qr.y.push_back(c == 1e6 ? 0.0 : 2e-16 * c);                    // an exact zero: not drawable
  }
  normal.y[2] = -1;  // negative: not drawable either
  plot.series = {svd, normal, qr};
  plot.guides = {{"eps*kappa", 2.2e-16, 1}, {"eps*kappa^2", 2.2e-16, 2}};
  return plot;
}

TEST(SvgPlot, IsWellFormedStandaloneSvgWithEverythingNamed) {
  const std::string svg = render_svg(stability_plot());
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"", 0), 0u);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_TRUE(well_formed_xml(svg));
  for (const char* text : {"svd", "normal_cholesky", "qr &amp; &lt;friends&gt;", "eps*kappa", "eps*kappa^2",
                           "Forward error vs condition number", "kappa(X)", "relative error", ">1e-16<", ">1e0<",
                           ">1e16<", "clip-path=\"url(#plot-area)\"", "stroke-dasharray"})
    EXPECT_NE(svg.find(text), std::string::npos) << text;
  EXPECT_EQ(svg.find("<friends>"), std::string::npos);
}

TEST(SvgPlot, MissingPointsBreakTheLineAndNeverReachTheOutput) {
  const std::string svg = render_svg(stability_plot());
  for (const char* bad : {"nan", "NaN", "inf", "INF"}) EXPECT_EQ(svg.find(bad), std::string::npos) << bad;
  // svd: one unbroken line; normal_cholesky: broken at the negative point and stops at
  // the NaNs (two runs); qr: broken at the zero (two runs).
  std::size_t polylines = 0;
  for (std::size_t p = svg.find("<polyline"); p != std::string::npos; p = svg.find("<polyline", p + 1)) ++polylines;
  EXPECT_EQ(polylines, 5u);
}

TEST(SvgPlot, SameInputGivesSameBytes) {
  EXPECT_EQ(render_svg(stability_plot()), render_svg(stability_plot()));
}

TEST(SvgPlot, EmptyAndDegeneratePlotsAreStillValid) {
  LogLogPlot empty;
  empty.title = "nothing";
  const std::string svg = render_svg(empty);
  EXPECT_TRUE(well_formed_xml(svg));
  EXPECT_NE(svg.find("no data"), std::string::npos);

  LogLogPlot single;
  single.series = {{"one point", {1e-3}, {5.0}}};
  single.guides = {{"flat", 5, 0}, {"bad", -1, 1}, {"nan", 1, std::nan("")}};
  const std::string one = render_svg(single);
  EXPECT_TRUE(well_formed_xml(one));
  EXPECT_EQ(one.find("<polyline"), std::string::npos);  // one point: a marker, no line
  EXPECT_NE(one.find("<circle"), std::string::npos);
  EXPECT_EQ(one.find("nan\""), std::string::npos);

  LogLogPlot wide;
  wide.series = {{"wide", {1e-300, 1e300}, {1, 2}}};
  const std::string ticks = render_svg(wide);
  for (const char* label : {">1e-300<", ">1e-200<", ">1e0<", ">1e300<"}) EXPECT_NE(ticks.find(label), std::string::npos) << label;
  EXPECT_EQ(ticks.find(">1e-250<"), std::string::npos);  // decades labelled in steps of 1, 2, 5, 10, ...

  LogLogPlot fixed = stability_plot();
  fixed.x_min = 1e2;
  fixed.x_max = 1e4;  // points outside are clipped, not dropped
  fixed.y_min = 1e-20;
  fixed.y_max = 1;
  EXPECT_TRUE(well_formed_xml(render_svg(fixed)));
}

}  // namespace
}  // namespace stela::io

// ---------------------------------------------------------------------------------------
// Integers beyond 2^53: every entry is read as a double, and an integer that has no
// exact double is refused, naming the file and the entry, instead of being rounded.

namespace stela::io {
namespace {

TEST(NpyInput, Int64EntriesWithoutAnExactDoubleAreRefusedNamingTheEntry) {
  constexpr std::int64_t two53 = std::int64_t{1} << 53;
  // Exact: everything up to 2^53 in magnitude, and beyond it whatever needs at most 53
  // significant bits (2^53 + 2, 2^62, -2^63).
  const std::int64_t exact[] = {two53, -two53, two53 - 1, two53 + 2, std::int64_t{1} << 62,
                                std::numeric_limits<std::int64_t>::min()};
  for (std::int64_t k : exact) {
    SCOPED_TRACE(k);
    const Matrix<double> A = must_parse(make_npy(npy_dict("<i8", "False", "(1, 1)"), little_endian<std::int64_t>({k})), Format::npy);
    ASSERT_EQ(A.rows(), 1);
    ASSERT_EQ(A.cols(), 1);
    EXPECT_EQ(static_cast<long double>(A(0, 0)), static_cast<long double>(k));
  }
  // 2^53 + 1 rounds to 2^53 in double: refused, with the row and column of the file's
  // matrix (C order: the second row's first entry is the third value stored).
  const std::string c_order = make_npy(npy_dict("<i8", "False", "(2, 2)"), little_endian<std::int64_t>({1, 2, two53 + 1, 4}));
  Expected<Matrix<double>> C = parse_npy(c_order, "ints.npy");
  ASSERT_FALSE(C.ok());
  EXPECT_EQ(C.error().message,
            "ints.npy: row 2, column 1: the integer 9007199254740993 has no exact double (every integer up to 2^53 = "
            "9007199254740992 in magnitude has one); to accept the rounding, convert the array first with "
            "a.astype('<f8')");
  EXPECT_FALSE(C.error().overflow);  // bad input (exit 2), not a non-finite number
  // Fortran order stores columns: the same third value is row 1, column 2.
  const std::string f_order = make_npy(npy_dict("<i8", "True", "(2, 2)"), little_endian<std::int64_t>({1, 2, -two53 - 1, 4}));
  EXPECT_NE(parse_error(f_order, Format::npy, "f.npy").find("f.npy: row 1, column 2: the integer -9007199254740993 has no exact double"),
            std::string::npos);
  // A 1-D array names the entry; the largest int64 (2^63 - 1) has no double either.
  const std::string flat =
      make_npy(npy_dict("<i8", "False", "(3,)"), little_endian<std::int64_t>({0, 0, std::numeric_limits<std::int64_t>::max()}));
  EXPECT_NE(parse_error(flat, Format::npy, "v.npy").find("v.npy: entry 3: the integer 9223372036854775807"), std::string::npos);
  // int32 and float64 data are never refused.
  EXPECT_TRUE(bit_identical(Matrix<double>{{2147483647, -2147483647 - 1.0}},
                            must_parse(make_npy(npy_dict("<i4", "False", "(1, 2)"),
                                                little_endian<std::int32_t>({2147483647, -2147483647 - 1})),
                                       Format::npy)));
}

TEST(MatrixMarketInput, IntegerFieldEntriesWithoutAnExactDoubleAreRefused) {
  const std::string header = "%%MatrixMarket matrix array integer general\n2 1\n";
  EXPECT_TRUE(bit_identical(Matrix<double>{{9007199254740992.0}, {-9007199254740994.0}},
                            must_parse(header + "9007199254740992\n-9007199254740994\n", Format::matrix_market)));
  Expected<Matrix<double>> A = parse_matrix_market(header + "1\n  9007199254740993\n", "A.mtx");
  ASSERT_FALSE(A.ok());
  EXPECT_EQ(A.error().message,
            "A.mtx: line 4, column 3: the integer 9007199254740993 has no exact double (every integer up to 2^53 = "
            "9007199254740992 in magnitude has one); to accept the rounding, declare the field 'real'");
  EXPECT_FALSE(A.error().overflow);
  // The real field reads the same digits as a decimal number, rounded as any is.
  EXPECT_TRUE(bit_identical(Matrix<double>{{1}, {9007199254740992.0}},
                            must_parse("%%MatrixMarket matrix array real general\n2 1\n1\n9007199254740993\n",
                                       Format::matrix_market)));
}

}  // namespace
}  // namespace stela::io
