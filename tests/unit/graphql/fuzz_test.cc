// Robustness of the whole pipeline against hostile documents: random bytes, token soup, and
// truncated or mutated real queries go through parse -> validate -> execute. Nothing may crash
// (run under WATT_SANITIZE to catch memory errors) and everything must finish quickly.
// fuzzDocument() has the shape of a libFuzzer entry point, ready for a tests/fuzz target.
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "graphql_test_support.h"

namespace watt::graphql {
namespace {

using testing::CinemaData;

const Schema& fuzzSchema() {
  static std::unique_ptr<Schema> schema = testing::makeCinemaSchema();
  return *schema;
}

// Parses, validates and, when valid, executes one document with variables taken from a
// second input. Returns what happened, for coverage checks.
enum class Stage { Syntax, Invalid, Executed };

Stage fuzzDocument(std::string_view document, std::string_view variables = {}) {
  ParseResult parsed = parse(std::string(document));
  if (!parsed.document) {
    EXPECT_FALSE(parsed.error.message.empty());
    EXPECT_EQ(parsed.error.message.rfind("Syntax Error: ", 0), 0u) << parsed.error.message;
    return Stage::Syntax;
  }
  auto errors = validate(fuzzSchema(), *parsed.document);
  for (const GraphqlError& e : errors) EXPECT_FALSE(e.message.empty());
  if (!errors.empty()) return Stage::Invalid;
  json::object vars;
  boost::system::error_code ec;
  json::value parsedVars = json::parse(variables, ec);
  if (!ec && parsedVars.is_object()) vars = parsedVars.as_object();
  CinemaData data;
  ExecutionOptions options;
  options.variables = &vars;
  options.context = &data;
  ExecutionResult result = testing::runTask(execute(fuzzSchema(), parsed.document, options));
  for (const GraphqlError& e : result.errors) EXPECT_FALSE(e.message.empty());
  return Stage::Executed;
}

const char* const kSeeds[] = {
    "{ films { id title released rating studio { name city films { title } } } }",
    "query Q($id: ID!, $n: Int = 2) { getFilmById(id: $id) { ...F } films(limit: $n, orderBy: "
    "[{field: id, direction: DESC}], where: {released: {gte: 1990, in: [1, 2]}}) { id } } "
    "fragment F on Film { title studio @include(if: true) { name } }",
    "mutation { saveFilm(input: {title: \"x\\u00e9\", released: 2000}) { id } insertFilms(inputs: "
    "[{title: \"\"\"block\n  string\"\"\"}]) { id } }",
    "{ __schema { types { name fields(includeDeprecated: true) { name type { name ofType { name } "
    "} } } } "
    "__type(name: \"Film\") { name } }",
    "query { a: films { ... on Film { x: id } ...G } } fragment G on Film { x: id studio { id } }",
    "{ studios(where: {name: {eq: \"Pixar\"}}) { name films { title studio { films { id } } } } }",
};

TEST(GraphqlFuzz, TruncatedDocumentsNeverCrash) {
  for (const char* seed : kSeeds) {
    std::string_view doc(seed);
    for (size_t cut = 0; cut <= doc.size(); ++cut) fuzzDocument(doc.substr(0, cut));
    EXPECT_EQ(fuzzDocument(doc), Stage::Executed) << seed;
  }
}

TEST(GraphqlFuzz, MutatedDocumentsNeverCrash) {
  std::mt19937 rng(20240517);
  const std::string alphabet =
      "{}()[]:$@!=.,\"\\ \n\t#abcdefgFilmQueryonfragment0123456789-eE_\x01\xc3\xa9";
  const char* tokens[] = {
      "...",        " on ", "query ",           "\"\"\"",     "fragment F on Film ",
      "{ id }",     "$x",   "@skip(if: $x)",    "films",      "studio",
      "\\u{1F600}", "\r\n", "__typename",       "(limit: 1)", "[",
      "{",          "\\",   "\xf0\x9f\x98\x80", "\xff"};
  size_t stages[3] = {0, 0, 0};
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20000; ++i) {
    std::string doc = kSeeds[rng() % std::size(kSeeds)];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = doc.empty() ? 0 : rng() % (doc.size() + 1);
      switch (rng() % 3) {
        case 0:
          if (at < doc.size()) doc.erase(at, 1 + rng() % 3);
          break;
        case 1:
          doc.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        default:
          doc.insert(at, tokens[rng() % std::size(tokens)]);
          break;
      }
    }
    ++stages[static_cast<int>(fuzzDocument(doc, "{\"x\": true, \"id\": 1, \"n\": \"a\"}"))];
  }
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 60.0);
  // The mutations reach every stage, so every stage was exercised.
  EXPECT_GT(stages[0], 100u);
  EXPECT_GT(stages[1], 100u);
  EXPECT_GT(stages[2], 100u);
}

TEST(GraphqlFuzz, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    std::string doc(rng() % 64, '\0');
    for (char& c : doc) c = static_cast<char>(rng() % 256);
    if (i % 2) doc.insert(0, "{ ");
    fuzzDocument(doc);
  }
}

TEST(GraphqlFuzz, HostileShapesFinishQuickly) {
  auto start = std::chrono::steady_clock::now();
  std::string wide = "{";
  for (int i = 0; i < 10000; ++i) wide += " t" + std::to_string(i) + ": __typename";
  wide += " }";
  EXPECT_EQ(fuzzDocument(wide), Stage::Executed);
  std::string same = "{";
  for (int i = 0; i < 20000; ++i) same += " __typename";
  same += " }";
  EXPECT_EQ(fuzzDocument(same), Stage::Invalid);  // "Validation aborted." by the overlap budget
  EXPECT_EQ(fuzzDocument(std::string(200000, '{')), Stage::Syntax);
  EXPECT_EQ(fuzzDocument("{ films(where: " + std::string(5000, '[') + ") { id } }"), Stage::Syntax);
  EXPECT_EQ(fuzzDocument(std::string(100000, '#')), Stage::Syntax);
  EXPECT_EQ(fuzzDocument("{ a(x: \"" + std::string(500000, 'x') + "\") }"), Stage::Invalid);
  std::string aliases = "{";
  for (int i = 0; i < 3000; ++i)
    aliases += " f" + std::to_string(i) + ": films { studio { films { id } } }";
  aliases += " }";
  EXPECT_EQ(fuzzDocument(aliases), Stage::Executed);  // stopped by the field limit, with an error
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 20.0);
}

}  // namespace
}  // namespace watt::graphql
