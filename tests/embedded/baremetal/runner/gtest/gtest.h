// The bare-metal test runner: the part of GoogleTest's macro language that stela's
// low-level tests use, small enough to run on a Cortex-M under QEMU with newlib.
//
// It stands in for <gtest/gtest.h> in the Cortex-M builds only (this folder comes first
// on the include path of the runner programs), so that tests/test_*.cpp and
// tests/support compile unchanged: TEST, TYPED_TEST, TYPED_TEST_SUITE,
// EXPECT_/ASSERT_ EQ NE LT LE GT GE TRUE FALSE NEAR STREQ, ADD_FAILURE, FAIL,
// GTEST_SKIP, SCOPED_TRACE, testing::Test (SetUpTestSuite, TearDownTestSuite,
// RecordProperty), testing::Message and testing::Types.
//
// What it leaves out, because bare metal has none of it: death tests, exceptions
// (EXPECT_THROW), RTTI, threads, files, parameterised tests, matchers, XML output.
// Messages are built in a std::string (no iostream) and printed with std::printf, which
// newlib sends to the host by semihosting (runner.cpp).
//
// Typed suites run over the scalar types the target computes in hardware:
// STELA_RUNNER_DOUBLE = 0 (Cortex-M4F, single-precision FPU) keeps float only, 1 keeps
// float and double.
#pragma once
// Comparisons inside these templates (signed against unsigned, float against double)
// are the test's own, as in GoogleTest, which is a system header to the tests too.
#pragma GCC system_header

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#ifndef STELA_RUNNER_DOUBLE
#define STELA_RUNNER_DOUBLE 1
#endif

namespace stela::runner {

// ---------------------------------------------------------------------------------------
// Values as text, for failure messages

template <class V, class = void>
struct HasToString : std::false_type {};
template <class V>
struct HasToString<V, std::void_t<decltype(to_string(std::declval<const V&>()))>> : std::true_type {};

std::string number_text(long long v);
std::string number_text(unsigned long long v);
std::string number_text(double v, int digits);

template <class V>
std::string text_of(const V& v) {
  using D = std::decay_t<V>;
  if constexpr (std::is_same_v<D, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_same_v<D, char>) {
    return std::string(1, v);
  } else if constexpr (std::is_enum_v<D>) {
    if constexpr (HasToString<D>::value)
      return std::string(to_string(v));  // stela's enums name themselves (status.hpp, ...)
    else
      return number_text(static_cast<long long>(v));
  } else if constexpr (std::is_integral_v<D> && std::is_signed_v<D>) {
    return number_text(static_cast<long long>(v));
  } else if constexpr (std::is_integral_v<D>) {
    return number_text(static_cast<unsigned long long>(v));
  } else if constexpr (std::is_floating_point_v<D>) {
    return number_text(static_cast<double>(v), std::is_same_v<D, float> ? 9 : 17);
  } else if constexpr (std::is_convertible_v<const V&, std::string>) {
    return std::string(v);
  } else if constexpr (std::is_pointer_v<D> || std::is_null_pointer_v<D>) {
    return v == nullptr ? "nullptr" : "(pointer)";
  } else {
    return "(value)";
  }
}

}  // namespace stela::runner

namespace testing {

// The text after `<<` in an assertion or a trace.
class Message {
 public:
  Message() = default;
  template <class V>
  Message& operator<<(const V& v) {
    text_ += stela::runner::text_of(v);
    return *this;
  }
  const std::string& str() const { return text_; }
  operator std::string() const { return text_; }

 private:
  std::string text_;
};

// Base of every test: a test is an object whose TestBody the runner calls between
// SetUp and TearDown; a suite's static SetUpTestSuite/TearDownTestSuite run around its
// tests (per type for a typed suite).
class Test {
 public:
  virtual ~Test() = default;
  virtual void SetUp() {}
  virtual void TearDown() {}
  virtual void TestBody() = 0;
  static void SetUpTestSuite() {}
  static void TearDownTestSuite() {}
  static void RecordProperty(const std::string& key, const std::string& value);
  static void RecordProperty(const std::string& key, long long value);
};

template <class... Ts>
struct Types {};

}  // namespace testing

namespace stela::runner {

// ---------------------------------------------------------------------------------------
// The registry

using SuiteHook = void (*)();
struct TestEntry {
  std::string suite;  // "Blas/float" for a typed suite
  std::string name;
  testing::Test* (*make)();
  SuiteHook set_up_suite;
  SuiteHook tear_down_suite;
};
bool add_test(TestEntry entry);

template <class Test>
testing::Test* make_test() {
  return new Test();
}

template <class Test>
bool add_plain_test(const char* suite, const char* name) {
  return add_test({suite, name, &make_test<Test>, &Test::SetUpTestSuite, &Test::TearDownTestSuite});
}

// The types a typed suite runs over on this target (STELA_RUNNER_DOUBLE).
template <class T>
constexpr bool kRunsOnTarget = STELA_RUNNER_DOUBLE || !std::is_same_v<T, double>;

struct IndexName {
  template <class T>
  static std::string GetName(int i) {
    return number_text(static_cast<long long>(i));
  }
};
template <class... Names>
struct NameGenerator {
  using type = IndexName;
};
template <class Name>
struct NameGenerator<Name> {
  using type = Name;
};

template <template <class> class Test, class Names, class... Ts>
bool add_typed_tests(const char* suite, const char* name, testing::Types<Ts...>) {
  int i = 0;
  const auto add_one = [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (kRunsOnTarget<T>) {
      add_test({std::string(suite) + "/" + Names::template GetName<T>(i), name, &make_test<Test<T>>,
                &Test<T>::SetUpTestSuite, &Test<T>::TearDownTestSuite});
    }
    ++i;
  };
  (add_one(std::common_type<Ts>{}), ...);
  return true;
}

// ---------------------------------------------------------------------------------------
// Assertions

// Whether a check held, and what to print when it did not.
struct Verdict {
  bool ok;
  std::string text;
  explicit operator bool() const { return ok; }
};

template <class A, class B, class Compare>
Verdict compare(const A& a, const B& b, const char* a_text, const char* b_text, const char* op, Compare holds) {
  if (holds(a, b)) return {true, {}};
  return {false, std::string("Expected: (") + a_text + ") " + op + " (" + b_text + "), actual: " + text_of(a) +
                     " vs " + text_of(b)};
}

template <class C>
Verdict truth(const C& condition, const char* text, bool expected) {
  if (static_cast<bool>(condition) == expected) return {true, {}};
  return {false, std::string("Value of: ") + text + "\n  Actual: " + (expected ? "false" : "true") +
                     "\nExpected: " + (expected ? "true" : "false")};
}

Verdict near(double a, double b, double abs_error, const char* a_text, const char* b_text, const char* e_text);
Verdict same_string(const char* a, const char* b, const char* a_text, const char* b_text);

// Records a failure (and prints it with the active traces) when assigned the message.
class Reporter {
 public:
  Reporter(const char* file, int line, std::string text) : file_(file), line_(line), text_(std::move(text)) {}
  void operator=(const testing::Message& message) const;

 private:
  const char* file_;
  int line_;
  std::string text_;
};

// GTEST_SKIP: the rest of the test is skipped, and said so.
class Skipper {
 public:
  Skipper(const char* file, int line) : file_(file), line_(line) {}
  void operator=(const testing::Message& message) const;

 private:
  const char* file_;
  int line_;
};

// SCOPED_TRACE: printed with every failure inside its scope.
class ScopedTrace {
 public:
  template <class V>
  ScopedTrace(const char* file, int line, const V& what) {
    push(file, line, text_of(what));
  }
  ~ScopedTrace();
  ScopedTrace(const ScopedTrace&) = delete;
  ScopedTrace& operator=(const ScopedTrace&) = delete;

 private:
  static void push(const char* file, int line, const std::string& text);
};

}  // namespace stela::runner

// ---------------------------------------------------------------------------------------
// The macros

#define STELA_RUNNER_CAT_(a, b) a##b
#define STELA_RUNNER_CAT(a, b) STELA_RUNNER_CAT_(a, b)

#define TEST(Suite, Name)                                                                          \
  class Suite##_##Name##_Test : public ::testing::Test {                                           \
   public:                                                                                         \
    void TestBody() override;                                                                      \
  };                                                                                               \
  [[maybe_unused]] static const bool Suite##_##Name##_registered_ =                                \
      ::stela::runner::add_plain_test<Suite##_##Name##_Test>(#Suite, #Name);                       \
  void Suite##_##Name##_Test::TestBody()

#define TEST_F(Fixture, Name)                                                                      \
  class Fixture##_##Name##_Test : public Fixture {                                                 \
   public:                                                                                         \
    void TestBody() override;                                                                      \
  };                                                                                               \
  [[maybe_unused]] static const bool Fixture##_##Name##_registered_ =                              \
      ::stela::runner::add_plain_test<Fixture##_##Name##_Test>(#Fixture, #Name);                   \
  void Fixture##_##Name##_Test::TestBody()

#define TYPED_TEST_SUITE(Suite, TypeList, ...)         \
  using Suite##_runner_types_ = TypeList;              \
  using Suite##_runner_names_ = typename ::stela::runner::NameGenerator<__VA_ARGS__>::type

#define TYPED_TEST(Suite, Name)                                                                     \
  template <class gtest_TypeParam_>                                                                 \
  class Suite##_##Name##_Test : public Suite<gtest_TypeParam_> {                                    \
   public:                                                                                          \
    using TestFixture = Suite<gtest_TypeParam_>;                                                    \
    using TypeParam = gtest_TypeParam_;                                                             \
    void TestBody() override;                                                                       \
  };                                                                                                \
  [[maybe_unused]] static const bool Suite##_##Name##_registered_ =                                 \
      ::stela::runner::add_typed_tests<Suite##_##Name##_Test, Suite##_runner_names_>(#Suite, #Name, \
                                                                                     Suite##_runner_types_{}); \
  template <class gtest_TypeParam_>                                                                 \
  void Suite##_##Name##_Test<gtest_TypeParam_>::TestBody()

// if/else so that `<< message` after the macro binds to the failure branch only, and a
// dangling else in the caller's code cannot attach to it (the switch, as GoogleTest).
#define STELA_RUNNER_CHECK_(verdict, on_failure)                                     \
  switch (0)                                                                         \
  case 0:                                                                            \
  default:                                                                           \
    if (const ::stela::runner::Verdict stela_runner_verdict_ = (verdict))            \
      ;                                                                              \
    else                                                                             \
      on_failure ::stela::runner::Reporter(__FILE__, __LINE__, stela_runner_verdict_.text) = ::testing::Message()

#define STELA_RUNNER_COMPARE_(a, b, op, on_failure)                                               \
  STELA_RUNNER_CHECK_(::stela::runner::compare(                                                   \
                          (a), (b), #a, #b, #op, [](const auto& x, const auto& y) { return x op y; }), \
                      on_failure)

#define EXPECT_EQ(a, b) STELA_RUNNER_COMPARE_(a, b, ==, )
#define EXPECT_NE(a, b) STELA_RUNNER_COMPARE_(a, b, !=, )
#define EXPECT_LT(a, b) STELA_RUNNER_COMPARE_(a, b, <, )
#define EXPECT_LE(a, b) STELA_RUNNER_COMPARE_(a, b, <=, )
#define EXPECT_GT(a, b) STELA_RUNNER_COMPARE_(a, b, >, )
#define EXPECT_GE(a, b) STELA_RUNNER_COMPARE_(a, b, >=, )
#define ASSERT_EQ(a, b) STELA_RUNNER_COMPARE_(a, b, ==, return)
#define ASSERT_NE(a, b) STELA_RUNNER_COMPARE_(a, b, !=, return)
#define ASSERT_LT(a, b) STELA_RUNNER_COMPARE_(a, b, <, return)
#define ASSERT_LE(a, b) STELA_RUNNER_COMPARE_(a, b, <=, return)
#define ASSERT_GT(a, b) STELA_RUNNER_COMPARE_(a, b, >, return)
#define ASSERT_GE(a, b) STELA_RUNNER_COMPARE_(a, b, >=, return)

#define EXPECT_TRUE(c) STELA_RUNNER_CHECK_(::stela::runner::truth((c), #c, true), )
#define EXPECT_FALSE(c) STELA_RUNNER_CHECK_(::stela::runner::truth((c), #c, false), )
#define ASSERT_TRUE(c) STELA_RUNNER_CHECK_(::stela::runner::truth((c), #c, true), return)
#define ASSERT_FALSE(c) STELA_RUNNER_CHECK_(::stela::runner::truth((c), #c, false), return)

#define EXPECT_NEAR(a, b, e) STELA_RUNNER_CHECK_(::stela::runner::near((a), (b), (e), #a, #b, #e), )
#define ASSERT_NEAR(a, b, e) STELA_RUNNER_CHECK_(::stela::runner::near((a), (b), (e), #a, #b, #e), return)
#define EXPECT_STREQ(a, b) STELA_RUNNER_CHECK_(::stela::runner::same_string((a), (b), #a, #b), )
#define ASSERT_STREQ(a, b) STELA_RUNNER_CHECK_(::stela::runner::same_string((a), (b), #a, #b), return)

#define ADD_FAILURE() ::stela::runner::Reporter(__FILE__, __LINE__, "Failure") = ::testing::Message()
#define FAIL() return ADD_FAILURE()
#define GTEST_SKIP() return ::stela::runner::Skipper(__FILE__, __LINE__) = ::testing::Message()

#define SCOPED_TRACE(what) \
  const ::stela::runner::ScopedTrace STELA_RUNNER_CAT(stela_runner_trace_, __LINE__)(__FILE__, __LINE__, (what))
