// The GraphQL lexer: turns source bytes (UTF-8) into tokens one at a time, on demand, exactly
// like graphql-js does, so that the first error reported for a broken document is the same one
// graphql-js reports. Used by the parser only.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace watt::graphql {

enum class TokenKind : uint8_t {
  StartOfFile,
  EndOfFile,
  Bang,
  Dollar,
  Amp,
  ParenL,
  ParenR,
  Spread,
  Colon,
  Equals,
  At,
  BracketL,
  BracketR,
  BraceL,
  Pipe,
  BraceR,
  Name,
  Int,
  Float,
  String,
  BlockString,
  Comment,
};

// How graphql-js names a token kind in messages: "<EOF>", "Name", "\"{\"", ...
std::string tokenKindDescription(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::StartOfFile;
  uint32_t start = 0;
  uint32_t end = 0;
  std::string_view value;  // Name/Int/Float text, String contents (decoded), Comment text
  bool hasValue() const;
};

// A syntax error at a byte offset. The lexer and the parser throw it from any depth of the
// recursive descent; graphql::parse() catches it, so it never leaves this component.
struct SyntaxError {
  uint32_t offset;
  std::string message;  // without the "Syntax Error: " prefix
};

// Where the lexer keeps what outlives it: decoded strings and the line table of the document.
struct LexerSink {
  std::deque<std::string>* strings;
  std::vector<uint32_t>* lineStarts;
  bool* asciiOnly;
};

class Lexer {
 public:
  Lexer(std::string_view source, LexerSink sink) : source_(source), sink_(sink) {}

  const Token& token() const { return token_; }
  // Moves to the next token that is not a comment and returns it.
  const Token& advance();
  // The token after the current one, without moving.
  const Token& lookahead();

 private:
  Token readToken(uint32_t position);
  Token readComment(uint32_t start);
  Token readNumber(uint32_t start);
  uint32_t readDigits(uint32_t position);
  Token readString(uint32_t start);
  Token readBlockString(uint32_t start);
  Token readName(uint32_t start);
  uint32_t readEscape(uint32_t position, std::string& out);
  void newLine(uint32_t lineStart);
  int at(uint32_t position) const;  // the byte, or -1 past the end
  std::string describeCodePointAt(uint32_t position) const;
  [[noreturn]] void fail(uint32_t offset, std::string message) const;

  std::string_view source_;
  LexerSink sink_;
  Token token_;
  std::optional<Token> next_;
};

}  // namespace watt::graphql
