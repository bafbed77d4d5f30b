#include "graphql/lexer.h"

#include <cstdio>

namespace watt::graphql {
namespace {

bool isDigit(int c) {
  return c >= '0' && c <= '9';
}
bool isLetter(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isNameStart(int c) {
  return isLetter(c) || c == '_';
}
bool isNameContinue(int c) {
  return isLetter(c) || isDigit(c) || c == '_';
}
bool isWhiteSpace(char c) {
  return c == ' ' || c == '\t';
}
bool isUnicodeScalarValue(int64_t code) {
  return (code >= 0 && code <= 0xD7FF) || (code >= 0xE000 && code <= 0x10FFFF);
}
bool isLeadingSurrogate(int64_t code) {
  return code >= 0xD800 && code <= 0xDBFF;
}
bool isTrailingSurrogate(int64_t code) {
  return code >= 0xDC00 && code <= 0xDFFF;
}

int hexDigit(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes the UTF-8 sequence at `pos`; returns the code point and its length, or -1 when the
// bytes are not valid UTF-8.
std::pair<int64_t, uint32_t> decodeUtf8(std::string_view s, uint32_t pos) {
  auto b = static_cast<unsigned char>(s[pos]);
  if (b < 0x80) return {b, 1};
  uint32_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
  if (len == 0 || b > 0xF4 || pos + len > s.size()) return {-1, 1};
  int64_t cp = b & (0x3F >> (len - 1));
  for (uint32_t i = 1; i < len; ++i) {
    auto c = static_cast<unsigned char>(s[pos + i]);
    if ((c & 0xC0) != 0x80) return {-1, 1};
    cp = (cp << 6) | (c & 0x3F);
  }
  static constexpr int64_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || !isUnicodeScalarValue(cp)) return {-1, 1};
  return {cp, len};
}

std::string codePointName(int64_t cp) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "U+%04llX", static_cast<unsigned long long>(cp));
  return buf;
}

// The first `count` characters of `s` from `pos`, for quoting in messages.
std::string_view sliceChars(std::string_view s, uint32_t pos, uint32_t count) {
  uint32_t end = pos;
  while (count > 0 && end < s.size()) {
    end += decodeUtf8(s, end).second;
    --count;
  }
  return s.substr(pos, std::min<size_t>(end, s.size()) - pos);
}

std::vector<std::string_view> dedentBlockStringLines(const std::vector<std::string>& lines) {
  size_t commonIndent = SIZE_MAX;
  std::optional<size_t> firstNonEmpty;
  size_t lastNonEmpty = 0;
  bool anyNonEmpty = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    size_t indent = 0;
    while (indent < line.size() && isWhiteSpace(line[indent])) ++indent;
    if (indent == line.size()) continue;
    if (!firstNonEmpty) firstNonEmpty = i;
    lastNonEmpty = i;
    anyNonEmpty = true;
    if (i != 0 && indent < commonIndent) commonIndent = indent;
  }
  std::vector<std::string_view> out;
  if (!anyNonEmpty) return out;
  for (size_t i = *firstNonEmpty; i <= lastNonEmpty; ++i) {
    std::string_view line = lines[i];
    if (i != 0) line = commonIndent >= line.size() ? std::string_view() : line.substr(commonIndent);
    out.push_back(line);
  }
  return out;
}

}  // namespace

std::string tokenKindDescription(TokenKind kind) {
  switch (kind) {
    case TokenKind::StartOfFile:
      return "<SOF>";
    case TokenKind::EndOfFile:
      return "<EOF>";
    case TokenKind::Bang:
      return "\"!\"";
    case TokenKind::Dollar:
      return "\"$\"";
    case TokenKind::Amp:
      return "\"&\"";
    case TokenKind::ParenL:
      return "\"(\"";
    case TokenKind::ParenR:
      return "\")\"";
    case TokenKind::Spread:
      return "\"...\"";
    case TokenKind::Colon:
      return "\":\"";
    case TokenKind::Equals:
      return "\"=\"";
    case TokenKind::At:
      return "\"@\"";
    case TokenKind::BracketL:
      return "\"[\"";
    case TokenKind::BracketR:
      return "\"]\"";
    case TokenKind::BraceL:
      return "\"{\"";
    case TokenKind::Pipe:
      return "\"|\"";
    case TokenKind::BraceR:
      return "\"}\"";
    case TokenKind::Name:
      return "Name";
    case TokenKind::Int:
      return "Int";
    case TokenKind::Float:
      return "Float";
    case TokenKind::String:
      return "String";
    case TokenKind::BlockString:
      return "BlockString";
    case TokenKind::Comment:
      return "Comment";
  }
  return "?";
}

bool Token::hasValue() const {
  switch (kind) {
    case TokenKind::Name:
    case TokenKind::Int:
    case TokenKind::Float:
    case TokenKind::String:
    case TokenKind::BlockString:
    case TokenKind::Comment:
      return true;
    default:
      return false;
  }
}

const Token& Lexer::advance() {
  if (next_) {
    token_ = *next_;
    next_.reset();
    return token_;
  }
  if (token_.kind == TokenKind::EndOfFile) return token_;
  Token t = readToken(token_.end);
  while (t.kind == TokenKind::Comment) t = readToken(t.end);
  token_ = t;
  return token_;
}

const Token& Lexer::lookahead() {
  if (!next_) {
    if (token_.kind == TokenKind::EndOfFile) return token_;
    Token t = readToken(token_.end);
    while (t.kind == TokenKind::Comment) t = readToken(t.end);
    next_ = t;
  }
  return *next_;
}

int Lexer::at(uint32_t position) const {
  return position < source_.size() ? static_cast<unsigned char>(source_[position]) : -1;
}

void Lexer::newLine(uint32_t lineStart) {
  sink_.lineStarts->push_back(lineStart);
}

void Lexer::fail(uint32_t offset, std::string message) const {
  throw SyntaxError{offset, std::move(message)};
}

std::string Lexer::describeCodePointAt(uint32_t position) const {
  if (position >= source_.size()) return "<EOF>";
  int c = at(position);
  if (c >= 0x20 && c <= 0x7E)
    return c == '"' ? "'\"'" : "\"" + std::string(1, static_cast<char>(c)) + "\"";
  auto [cp, len] = decodeUtf8(source_, position);
  return codePointName(cp < 0 ? c : cp);
}

Token Lexer::readToken(uint32_t position) {
  const auto size = static_cast<uint32_t>(source_.size());
  auto punct = [&](TokenKind kind, uint32_t len) {
    return Token{kind, position, position + len, {}};
  };
  while (position < size) {
    int c = at(position);
    switch (c) {
      case 0xEF:  // U+FEFF, the byte order mark, is ignored like white space
        if (at(position + 1) == 0xBB && at(position + 2) == 0xBF) {
          *sink_.asciiOnly = false;  // three bytes, one column
          position += 3;
          continue;
        }
        break;
      case '\t':
      case ' ':
      case ',':
        ++position;
        continue;
      case '\n':
        ++position;
        newLine(position);
        continue;
      case '\r':
        position += at(position + 1) == '\n' ? 2 : 1;
        newLine(position);
        continue;
      case '#':
        return readComment(position);
      case '!':
        return punct(TokenKind::Bang, 1);
      case '$':
        return punct(TokenKind::Dollar, 1);
      case '&':
        return punct(TokenKind::Amp, 1);
      case '(':
        return punct(TokenKind::ParenL, 1);
      case ')':
        return punct(TokenKind::ParenR, 1);
      case '.':
        if (at(position + 1) == '.' && at(position + 2) == '.') return punct(TokenKind::Spread, 3);
        break;
      case ':':
        return punct(TokenKind::Colon, 1);
      case '=':
        return punct(TokenKind::Equals, 1);
      case '@':
        return punct(TokenKind::At, 1);
      case '[':
        return punct(TokenKind::BracketL, 1);
      case ']':
        return punct(TokenKind::BracketR, 1);
      case '{':
        return punct(TokenKind::BraceL, 1);
      case '|':
        return punct(TokenKind::Pipe, 1);
      case '}':
        return punct(TokenKind::BraceR, 1);
      case '"':
        if (at(position + 1) == '"' && at(position + 2) == '"') return readBlockString(position);
        return readString(position);
      default:
        break;
    }
    if (isDigit(c) || c == '-') return readNumber(position);
    if (isNameStart(c)) return readName(position);
    if (c == '\'') {
      fail(position,
           "Unexpected single quote character ('), did you mean to use a double quote (\")?");
    }
    auto [cp, len] = decodeUtf8(source_, position);
    if (cp < 0) fail(position, "Invalid character: " + codePointName(c) + ".");
    fail(position, "Unexpected character: " + describeCodePointAt(position) + ".");
  }
  return Token{TokenKind::EndOfFile, size, size, {}};
}

Token Lexer::readComment(uint32_t start) {
  uint32_t position = start + 1;
  while (position < source_.size()) {
    int c = at(position);
    if (c == '\n' || c == '\r') break;
    if (c >= 0x80) *sink_.asciiOnly = false;
    ++position;
  }
  return Token{TokenKind::Comment, start, position,
               source_.substr(start + 1, position - start - 1)};
}

uint32_t Lexer::readDigits(uint32_t position) {
  if (!isDigit(at(position))) {
    fail(position,
         "Invalid number, expected digit but got: " + describeCodePointAt(position) + ".");
  }
  ++position;
  while (isDigit(at(position))) ++position;
  return position;
}

Token Lexer::readNumber(uint32_t start) {
  uint32_t position = start;
  int code = at(position);
  bool isFloat = false;
  if (code == '-') code = at(++position);
  if (code == '0') {
    code = at(++position);
    if (isDigit(code)) {
      fail(position,
           "Invalid number, unexpected digit after 0: " + describeCodePointAt(position) + ".");
    }
  } else {
    position = readDigits(position);
    code = at(position);
  }
  if (code == '.') {
    isFloat = true;
    position = readDigits(position + 1);
    code = at(position);
  }
  if (code == 'E' || code == 'e') {
    isFloat = true;
    code = at(++position);
    if (code == '+' || code == '-') ++position;
    position = readDigits(position);
    code = at(position);
  }
  if (code == '.' || isNameStart(code)) {
    fail(position,
         "Invalid number, expected digit but got: " + describeCodePointAt(position) + ".");
  }
  return Token{isFloat ? TokenKind::Float : TokenKind::Int, start, position,
               source_.substr(start, position - start)};
}

uint32_t Lexer::readEscape(uint32_t position, std::string& out) {
  int next = at(position + 1);
  if (next == 'u' && at(position + 2) == '{') {
    // \u{X...}: up to 8 hex digits, computed in 32-bit signed arithmetic as graphql-js does.
    int32_t point = 0;
    uint32_t size = 3;
    while (size < 12) {
      int c = at(position + size++);
      if (c == '}') {
        if (size < 5 || !isUnicodeScalarValue(point)) break;
        appendUtf8(out, static_cast<uint32_t>(point));
        return size;
      }
      point = static_cast<int32_t>(static_cast<uint32_t>(point) << 4) | hexDigit(c);
      if (point < 0) break;
    }
    fail(position, "Invalid Unicode escape sequence: \"" +
                       std::string(sliceChars(source_, position, size)) + "\".");
  }
  if (next == 'u') {
    auto hex4 = [&](uint32_t p) {
      return (hexDigit(at(p)) << 12) | (hexDigit(at(p + 1)) << 8) | (hexDigit(at(p + 2)) << 4) |
             hexDigit(at(p + 3));
    };
    int code = hex4(position + 2);
    if (isUnicodeScalarValue(code)) {
      appendUtf8(out, static_cast<uint32_t>(code));
      return 6;
    }
    if (isLeadingSurrogate(code) && at(position + 6) == '\\' && at(position + 7) == 'u') {
      int trailing = hex4(position + 8);
      if (isTrailingSurrogate(trailing)) {
        appendUtf8(out, 0x10000 + ((static_cast<uint32_t>(code) - 0xD800) << 10) +
                            (static_cast<uint32_t>(trailing) - 0xDC00));
        return 12;
      }
    }
    fail(position, "Invalid Unicode escape sequence: \"" +
                       std::string(sliceChars(source_, position, 6)) + "\".");
  }
  switch (next) {
    case '"':
      out += '"';
      return 2;
    case '\\':
      out += '\\';
      return 2;
    case '/':
      out += '/';
      return 2;
    case 'b':
      out += '\b';
      return 2;
    case 'f':
      out += '\f';
      return 2;
    case 'n':
      out += '\n';
      return 2;
    case 'r':
      out += '\r';
      return 2;
    case 't':
      out += '\t';
      return 2;
    default:
      break;
  }
  fail(position, "Invalid character escape sequence: \"" +
                     std::string(sliceChars(source_, position, 2)) + "\".");
}

Token Lexer::readString(uint32_t start) {
  uint32_t position = start + 1;
  uint32_t chunkStart = position;
  std::string* value = nullptr;  // only when an escape makes the value differ from the source
  while (position < source_.size()) {
    int c = at(position);
    if (c == '"') {
      std::string_view text;
      if (value) {
        value->append(source_.substr(chunkStart, position - chunkStart));
        text = *value;
      } else {
        text = source_.substr(chunkStart, position - chunkStart);
      }
      return Token{TokenKind::String, start, position + 1, text};
    }
    if (c == '\\') {
      if (!value) value = &sink_.strings->emplace_back();
      value->append(source_.substr(chunkStart, position - chunkStart));
      position += readEscape(position, *value);
      chunkStart = position;
      continue;
    }
    if (c == '\n' || c == '\r') break;
    if (c >= 0x80) *sink_.asciiOnly = false;
    ++position;
  }
  fail(position, "Unterminated string.");
}

Token Lexer::readBlockString(uint32_t start) {
  uint32_t position = start + 3;
  uint32_t chunkStart = position;
  std::string currentLine;
  std::vector<std::string> lines;
  while (position < source_.size()) {
    int c = at(position);
    if (c == '"' && at(position + 1) == '"' && at(position + 2) == '"') {
      currentLine.append(source_.substr(chunkStart, position - chunkStart));
      lines.push_back(std::move(currentLine));
      std::string& value = sink_.strings->emplace_back();
      bool first = true;
      for (std::string_view line : dedentBlockStringLines(lines)) {
        if (!first) value += '\n';
        value.append(line);
        first = false;
      }
      return Token{TokenKind::BlockString, start, position + 3, value};
    }
    if (c == '\\' && at(position + 1) == '"' && at(position + 2) == '"' &&
        at(position + 3) == '"') {
      currentLine.append(source_.substr(chunkStart, position - chunkStart));
      chunkStart = position + 1;  // drop only the backslash
      position += 4;
      continue;
    }
    if (c == '\n' || c == '\r') {
      currentLine.append(source_.substr(chunkStart, position - chunkStart));
      lines.push_back(std::move(currentLine));
      currentLine.clear();
      position += (c == '\r' && at(position + 1) == '\n') ? 2 : 1;
      newLine(position);
      chunkStart = position;
      continue;
    }
    if (c >= 0x80) *sink_.asciiOnly = false;
    ++position;
  }
  fail(position, "Unterminated string.");
}

Token Lexer::readName(uint32_t start) {
  uint32_t position = start + 1;
  while (isNameContinue(at(position))) ++position;
  return Token{TokenKind::Name, start, position, source_.substr(start, position - start)};
}

}  // namespace watt::graphql
