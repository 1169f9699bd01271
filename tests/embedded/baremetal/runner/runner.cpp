// The bare-metal test runner's main and bookkeeping (gtest/gtest.h beside it holds the
// macros). Every registered test runs once, suite by suite in the order of the source,
// each suite between its SetUpTestSuite and TearDownTestSuite; tests whose name starts
// with "Slow" (the whole catalogue at the block edges) are left out, as the release
// preset leaves them out.
//
// Arguments (through QEMU's -append, see cmake/qemu-mps2.sh): substrings of
// "Suite/type.Name". A test runs if it contains none of the arguments written -substring
// and, when there are others, at least one of them.
//
// Exit status: the number of failed tests, at most kMaxStatus, so that it never reads
// as the fault handler's 99 or as timeout's 124.
#include <gtest/gtest.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <memory>

namespace stela::runner {
namespace {

constexpr int kMaxStatus = 98;

std::vector<TestEntry>& registry() {
  static std::vector<TestEntry> tests;
  return tests;
}

struct Trace {
  const char* file;
  int line;
  std::string text;
};
std::vector<Trace>& traces() {
  static std::vector<Trace> active;
  return active;
}

bool g_failed = false;
bool g_skipped = false;

bool selected(const std::string& full_name, int argc, char** argv) {
  if (full_name.find(".Slow") != std::string::npos) return false;
  bool any_include = false, included = false;
  for (int i = 1; i < argc; ++i) {
    const bool exclude = argv[i][0] == '-';
    const char* what = exclude ? argv[i] + 1 : argv[i];
    if (exclude && full_name.find(what) != std::string::npos) return false;
    if (!exclude) {
      any_include = true;
      included = included || full_name.find(what) != std::string::npos;
    }
  }
  return !any_include || included;
}

// Milliseconds of the emulated program (semihosting's clock, in centiseconds).
long elapsed_ms(std::clock_t since) { return static_cast<long>((std::clock() - since) * 1000 / CLOCKS_PER_SEC); }

// Runs the tests of one suite; returns how many failed.
int run_suite(const std::vector<const TestEntry*>& tests, int& run) {
  tests.front()->set_up_suite();
  int failed = 0;
  for (const TestEntry* t : tests) {
    std::printf("[ RUN      ] %s.%s\n", t->suite.c_str(), t->name.c_str());
    g_failed = g_skipped = false;
    const std::clock_t start = std::clock();
    {
      const std::unique_ptr<testing::Test> test(t->make());
      test->SetUp();
      test->TestBody();
      test->TearDown();
    }
    traces().clear();
    const char* verdict = g_failed ? "[  FAILED  ]" : g_skipped ? "[  SKIPPED ]" : "[       OK ]";
    std::printf("%s %s.%s (%ld ms)\n", verdict, t->suite.c_str(), t->name.c_str(), elapsed_ms(start));
    failed += g_failed ? 1 : 0;
    ++run;
  }
  tests.front()->tear_down_suite();
  return failed;
}

}  // namespace

std::string number_text(long long v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld", v);
  return buf;
}
std::string number_text(unsigned long long v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llu", v);
  return buf;
}
std::string number_text(double v, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

bool add_test(TestEntry entry) {
  registry().push_back(std::move(entry));
  return true;
}

Verdict near(double a, double b, double abs_error, const char* a_text, const char* b_text, const char* e_text) {
  const double diff = std::fabs(a - b);
  if (diff <= abs_error) return {true, {}};
  return {false, std::string("The difference between ") + a_text + " and " + b_text + " is " + number_text(diff, 9) +
                     ", which exceeds " + e_text + " (" + number_text(abs_error, 9) + "); " + a_text + " = " +
                     number_text(a, 17) + ", " + b_text + " = " + number_text(b, 17)};
}

Verdict same_string(const char* a, const char* b, const char* a_text, const char* b_text) {
  if (a != nullptr && b != nullptr ? std::strcmp(a, b) == 0 : a == b) return {true, {}};
  return {false, std::string("Expected equal strings ") + a_text + " and " + b_text + ": \"" + (a ? a : "(null)") +
                     "\" vs \"" + (b ? b : "(null)") + "\""};
}

void Reporter::operator=(const testing::Message& message) const {
  g_failed = true;
  std::printf("%s:%d: Failure\n%s\n", file_, line_, text_.c_str());
  if (!message.str().empty()) std::printf("%s\n", message.str().c_str());
  for (auto t = traces().rbegin(); t != traces().rend(); ++t)
    std::printf("  trace %s:%d: %s\n", t->file, t->line, t->text.c_str());
}

void Skipper::operator=(const testing::Message& message) const {
  g_skipped = true;
  std::printf("%s:%d: Skipped %s\n", file_, line_, message.str().c_str());
}

void ScopedTrace::push(const char* file, int line, const std::string& text) { traces().push_back({file, line, text}); }
ScopedTrace::~ScopedTrace() {
  if (!traces().empty()) traces().pop_back();
}

}  // namespace stela::runner

namespace testing {
void Test::RecordProperty(const std::string& key, const std::string& value) {
  std::printf("[ property ] %s = %s\n", key.c_str(), value.c_str());
}
void Test::RecordProperty(const std::string& key, long long value) {
  std::printf("[ property ] %s = %lld\n", key.c_str(), value);
}
}  // namespace testing

int main(int argc, char** argv) {
  using namespace stela::runner;
  // Suites in order of first appearance; the tests of each in order of the source.
  std::vector<std::string> suites;
  for (const TestEntry& t : registry())
    if (std::find(suites.begin(), suites.end(), t.suite) == suites.end()) suites.push_back(t.suite);
  int run = 0, failed = 0;
  const std::clock_t start = std::clock();
  for (const std::string& suite : suites) {
    std::vector<const TestEntry*> tests;
    for (const TestEntry& t : registry())
      if (t.suite == suite && selected(t.suite + "." + t.name, argc, argv)) tests.push_back(&t);
    if (!tests.empty()) failed += run_suite(tests, run);
  }
  std::printf("[==========] %d tests ran (%ld ms), %d passed, %d failed\n", run, elapsed_ms(start), run - failed,
              failed);
  if (run == 0) return 1;  // a filter that selects nothing is a mistake, not a pass
  return std::min(failed, kMaxStatus);
}
