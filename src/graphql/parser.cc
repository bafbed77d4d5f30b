#include "graphql/parser.h"

#include <algorithm>
#include <array>

#include "graphql/lexer.h"

namespace watt::graphql {

namespace ast {

const char* operationName(OperationType type) {
  switch (type) {
    case OperationType::Query:
      return "query";
    case OperationType::Mutation:
      return "mutation";
    case OperationType::Subscription:
      return "subscription";
  }
  return "query";
}

const Definition* Document::fragment(std::string_view name) const {
  auto it = fragments_.find(name);
  return it == fragments_.end() ? nullptr : &definitions_[it->second];
}

SourceLocation Document::locate(uint32_t offset) const {
  auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset);
  auto line = static_cast<uint32_t>(it - lineStarts_.begin()) + 1;
  uint32_t lineStart = line == 1 ? 0 : *(it - 1);
  if (asciiOnly_) return {line, offset - lineStart + 1};
  // Columns count UTF-16 code units: one per UTF-8 lead byte, two for 4-byte sequences.
  std::string_view text = source().substr(lineStart, offset - lineStart);
  uint32_t column = 1;
  for (char ch : text) {
    auto b = static_cast<unsigned char>(ch);
    if ((b & 0xC0) != 0x80) column += b >= 0xF0 ? 2 : 1;
  }
  return {line, column};
}

}  // namespace ast

namespace {

constexpr std::array<std::string_view, 20> kDirectiveLocations = {"QUERY",
                                                                  "MUTATION",
                                                                  "SUBSCRIPTION",
                                                                  "FIELD",
                                                                  "FRAGMENT_DEFINITION",
                                                                  "FRAGMENT_SPREAD",
                                                                  "INLINE_FRAGMENT",
                                                                  "VARIABLE_DEFINITION",
                                                                  "SCHEMA",
                                                                  "SCALAR",
                                                                  "OBJECT",
                                                                  "FIELD_DEFINITION",
                                                                  "ARGUMENT_DEFINITION",
                                                                  "INTERFACE",
                                                                  "UNION",
                                                                  "ENUM",
                                                                  "ENUM_VALUE",
                                                                  "INPUT_OBJECT",
                                                                  "INPUT_FIELD_DEFINITION",
                                                                  "DIRECTIVE_DEFINITION"};

std::string tokenDescription(const Token& token) {
  std::string out = tokenKindDescription(token.kind);
  if (token.hasValue()) {
    out += " \"";
    out.append(token.value);
    out += '"';
  }
  return out;
}

}  // namespace

// Recursive descent over the grammar of graphql-js's parser, in the same order of token reads,
// so that errors are raised at the same token with the same text.
class Parser {
 public:
  Parser(std::string_view source, LexerSink sink, const ParseLimits& limits)
      : lexer_(source, sink), limits_(limits) {}

  void parseDocument(ast::Document& document) {
    document_ = &document;
    expectToken(TokenKind::StartOfFile);
    do {
      parseDefinition();
    } while (!expectOptionalToken(TokenKind::EndOfFile));
  }

  ast::TypeNode parseStandaloneType() {
    expectToken(TokenKind::StartOfFile);
    ast::TypeNode type = parseTypeReference();
    expectToken(TokenKind::EndOfFile);
    return type;
  }

  static ParseResult parseSource(std::string source, const ParseLimits& limits) {
    if (source.size() > limits.maxSourceBytes) {
      return {nullptr,
              GraphqlError{"Syntax Error: Source contains more than " +
                               std::to_string(limits.maxSourceBytes) + " bytes. Parsing aborted.",
                           {},
                           {}}};
    }
    auto document = std::make_shared<ast::Document>();
    document->source_ = std::make_unique<std::string>(std::move(source));
    Parser parser(*document->source_,
                  LexerSink{&document->strings_, &document->lineStarts_, &document->asciiOnly_},
                  limits);
    try {
      parser.parseDocument(*document);
    } catch (const SyntaxError& error) {
      return {nullptr,
              GraphqlError{"Syntax Error: " + error.message, {document->locate(error.offset)}, {}}};
    }
    for (size_t i = 0; i < document->definitions_.size(); ++i) {
      const ast::Definition& def = document->definitions_[i];
      if (def.kind == ast::DefinitionKind::Fragment) document->fragments_[def.name] = i;
    }
    return {std::move(document), {}};
  }

 private:
  class DepthGuard {
   public:
    explicit DepthGuard(Parser& parser) : parser_(parser) {
      if (++parser_.depth_ > parser_.limits_.maxDepth) {
        parser_.fail(parser_.lexer_.token().start, "Document is nested too deeply (more than " +
                                                       std::to_string(parser_.limits_.maxDepth) +
                                                       " levels). Parsing aborted.");
      }
    }
    ~DepthGuard() { --parser_.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    Parser& parser_;
  };

  [[noreturn]] void fail(uint32_t offset, std::string message) {
    throw SyntaxError{offset, std::move(message)};
  }
  [[noreturn]] void unexpected(const Token& token) {
    fail(token.start, "Unexpected " + tokenDescription(token) + ".");
  }
  [[noreturn]] void unexpected() { unexpected(lexer_.token()); }

  void advanceLexer() {
    const Token& token = lexer_.advance();
    if (token.kind != TokenKind::EndOfFile && ++tokenCount_ > limits_.maxTokens) {
      fail(token.start, "Document contains more that " + std::to_string(limits_.maxTokens) +
                            " tokens. Parsing aborted.");
    }
  }

  bool peek(TokenKind kind) const { return lexer_.token().kind == kind; }

  Token expectToken(TokenKind kind) {
    Token token = lexer_.token();
    if (token.kind != kind) {
      fail(token.start,
           "Expected " + tokenKindDescription(kind) + ", found " + tokenDescription(token) + ".");
    }
    advanceLexer();
    return token;
  }

  bool expectOptionalToken(TokenKind kind) {
    if (lexer_.token().kind != kind) return false;
    advanceLexer();
    return true;
  }

  void expectKeyword(std::string_view value) {
    const Token& token = lexer_.token();
    if (token.kind != TokenKind::Name || token.value != value) {
      fail(token.start,
           "Expected \"" + std::string(value) + "\", found " + tokenDescription(token) + ".");
    }
    advanceLexer();
  }

  bool expectOptionalKeyword(std::string_view value) {
    const Token& token = lexer_.token();
    if (token.kind != TokenKind::Name || token.value != value) return false;
    advanceLexer();
    return true;
  }

  // Helpers for the "many", "optionalMany" and "any" list forms of graphql-js.
  template <typename F>
  void many(TokenKind open, F item, TokenKind close) {
    expectToken(open);
    do {
      item();
    } while (!expectOptionalToken(close));
  }
  template <typename F>
  void optionalMany(TokenKind open, F item, TokenKind close) {
    if (!expectOptionalToken(open)) return;
    do {
      item();
    } while (!expectOptionalToken(close));
  }
  template <typename F>
  void any(TokenKind open, F item, TokenKind close) {
    expectToken(open);
    while (!expectOptionalToken(close)) item();
  }
  template <typename F>
  void delimitedMany(TokenKind delimiter, F item) {
    expectOptionalToken(delimiter);
    do {
      item();
    } while (expectOptionalToken(delimiter));
  }

  struct Name {
    std::string_view value;
    uint32_t offset;
  };
  Name parseName() {
    Token token = expectToken(TokenKind::Name);
    return {token.value, token.start};
  }

  // ---- Executable definitions ----

  void parseDefinition() {
    if (peek(TokenKind::BraceL)) return parseOperationDefinition();
    bool hasDescription = peekDescription();
    Token keyword = hasDescription ? lexer_.lookahead() : lexer_.token();
    if (hasDescription && keyword.kind == TokenKind::BraceL) {
      fail(lexer_.token().start,
           "Unexpected description, descriptions are not supported on shorthand queries.");
    }
    if (keyword.kind == TokenKind::Name) {
      std::string_view k = keyword.value;
      if (k == "schema" || k == "scalar" || k == "type" || k == "interface" || k == "union" ||
          k == "enum" || k == "input" || k == "directive") {
        return parseTypeSystemDefinition(k);
      }
      if (k == "query" || k == "mutation" || k == "subscription") return parseOperationDefinition();
      if (k == "fragment") return parseFragmentDefinition();
      if (hasDescription) {
        fail(lexer_.token().start,
             "Unexpected description, only GraphQL definitions support descriptions.");
      }
      if (k == "extend") return parseTypeSystemExtension();
    }
    unexpected(keyword);
  }

  void parseOperationDefinition() {
    ast::Definition def;
    def.kind = ast::DefinitionKind::Operation;
    def.offset = lexer_.token().start;
    if (peek(TokenKind::BraceL)) {
      def.selectionSet = parseSelectionSet();
      document_->definitions_.push_back(std::move(def));
      return;
    }
    parseDescription();
    def.operation = parseOperationType();
    if (peek(TokenKind::Name)) {
      Name name = parseName();
      def.name = name.value;
      def.nameOffset = name.offset;
    }
    optionalMany(
        TokenKind::ParenL, [&] { def.variables.push_back(parseVariableDefinition()); },
        TokenKind::ParenR);
    def.directives = parseDirectives(false);
    def.selectionSet = parseSelectionSet();
    document_->definitions_.push_back(std::move(def));
  }

  ast::OperationType parseOperationType() {
    Token token = expectToken(TokenKind::Name);
    if (token.value == "query") return ast::OperationType::Query;
    if (token.value == "mutation") return ast::OperationType::Mutation;
    if (token.value == "subscription") return ast::OperationType::Subscription;
    unexpected(token);
  }

  ast::VariableDefinition parseVariableDefinition() {
    ast::VariableDefinition def;
    def.offset = lexer_.token().start;
    parseDescription();
    def.variableOffset = expectToken(TokenKind::Dollar).start;
    Name name = parseName();
    def.name = name.value;
    def.nameOffset = name.offset;
    expectToken(TokenKind::Colon);
    def.type = parseTypeReference();
    if (expectOptionalToken(TokenKind::Equals)) def.defaultValue = parseValueLiteral(true);
    def.directives = parseDirectives(true);
    return def;
  }

  ast::SelectionSet parseSelectionSet() {
    DepthGuard guard(*this);
    ast::SelectionSet set;
    set.offset = lexer_.token().start;
    many(
        TokenKind::BraceL, [&] { set.selections.push_back(parseSelection()); }, TokenKind::BraceR);
    return set;
  }

  ast::Selection parseSelection() {
    return peek(TokenKind::Spread) ? parseFragment() : parseField();
  }

  ast::Selection parseField() {
    ast::Selection field;
    field.kind = ast::SelectionKind::Field;
    field.offset = lexer_.token().start;
    Name nameOrAlias = parseName();
    if (expectOptionalToken(TokenKind::Colon)) {
      field.alias = nameOrAlias.value;
      Name name = parseName();
      field.name = name.value;
      field.nameOffset = name.offset;
    } else {
      field.name = nameOrAlias.value;
      field.nameOffset = nameOrAlias.offset;
    }
    field.arguments = parseArguments(false);
    field.directives = parseDirectives(false);
    if (peek(TokenKind::BraceL)) field.selectionSet = parseSelectionSet();
    return field;
  }

  std::vector<ast::Argument> parseArguments(bool isConst) {
    std::vector<ast::Argument> args;
    optionalMany(
        TokenKind::ParenL,
        [&] {
          ast::Argument arg;
          arg.offset = lexer_.token().start;
          arg.name = parseName().value;
          expectToken(TokenKind::Colon);
          arg.value = parseValueLiteral(isConst);
          args.push_back(std::move(arg));
        },
        TokenKind::ParenR);
    return args;
  }

  ast::Selection parseFragment() {
    ast::Selection sel;
    sel.offset = lexer_.token().start;
    expectToken(TokenKind::Spread);
    bool hasTypeCondition = expectOptionalKeyword("on");
    if (!hasTypeCondition && peek(TokenKind::Name)) {
      sel.kind = ast::SelectionKind::FragmentSpread;
      Name name = parseFragmentName();
      sel.name = name.value;
      sel.nameOffset = name.offset;
      sel.directives = parseDirectives(false);
      return sel;
    }
    sel.kind = ast::SelectionKind::InlineFragment;
    if (hasTypeCondition) {
      Name type = parseName();
      sel.typeCondition = type.value;
      sel.typeConditionOffset = type.offset;
    }
    sel.directives = parseDirectives(false);
    sel.selectionSet = parseSelectionSet();
    return sel;
  }

  void parseFragmentDefinition() {
    ast::Definition def;
    def.kind = ast::DefinitionKind::Fragment;
    def.offset = lexer_.token().start;
    parseDescription();
    expectKeyword("fragment");
    Name name = parseFragmentName();
    def.name = name.value;
    def.nameOffset = name.offset;
    expectKeyword("on");
    def.typeCondition = parseNamedType();
    def.directives = parseDirectives(false);
    def.selectionSet = parseSelectionSet();
    document_->definitions_.push_back(std::move(def));
  }

  Name parseFragmentName() {
    const Token& token = lexer_.token();
    if (token.hasValue() && token.value == "on") unexpected();
    return parseName();
  }

  // ---- Values, directives, types ----

  ast::Value parseValueLiteral(bool isConst) {
    Token token = lexer_.token();
    ast::Value value;
    value.offset = token.start;
    switch (token.kind) {
      case TokenKind::BracketL: {
        DepthGuard guard(*this);
        value.kind = ast::ValueKind::List;
        any(
            TokenKind::BracketL, [&] { value.list.push_back(parseValueLiteral(isConst)); },
            TokenKind::BracketR);
        return value;
      }
      case TokenKind::BraceL: {
        DepthGuard guard(*this);
        value.kind = ast::ValueKind::Object;
        any(
            TokenKind::BraceL,
            [&] {
              ast::ObjectField field;
              field.offset = lexer_.token().start;
              field.name = parseName().value;
              expectToken(TokenKind::Colon);
              field.value = parseValueLiteral(isConst);
              value.fields.push_back(std::move(field));
            },
            TokenKind::BraceR);
        return value;
      }
      case TokenKind::Int:
      case TokenKind::Float:
        advanceLexer();
        value.kind = token.kind == TokenKind::Int ? ast::ValueKind::Int : ast::ValueKind::Float;
        value.text = token.value;
        return value;
      case TokenKind::String:
      case TokenKind::BlockString:
        advanceLexer();
        value.kind = ast::ValueKind::String;
        value.text = token.value;
        value.flag = token.kind == TokenKind::BlockString;
        return value;
      case TokenKind::Name:
        advanceLexer();
        if (token.value == "true" || token.value == "false") {
          value.kind = ast::ValueKind::Boolean;
          value.flag = token.value == "true";
        } else if (token.value == "null") {
          value.kind = ast::ValueKind::Null;
        } else {
          value.kind = ast::ValueKind::Enum;
          value.text = token.value;
        }
        return value;
      case TokenKind::Dollar:
        if (isConst) {
          expectToken(TokenKind::Dollar);
          if (lexer_.token().kind == TokenKind::Name) {
            fail(token.start, "Unexpected variable \"$" + std::string(lexer_.token().value) +
                                  "\" in constant value.");
          }
          unexpected(token);
        }
        expectToken(TokenKind::Dollar);
        value.kind = ast::ValueKind::Variable;
        value.text = parseName().value;
        return value;
      default:
        unexpected();
    }
  }

  std::vector<ast::Directive> parseDirectives(bool isConst, const char* sdlLocation = nullptr) {
    std::vector<ast::Directive> directives;
    while (peek(TokenKind::At)) {
      ast::Directive directive;
      directive.offset = expectToken(TokenKind::At).start;
      directive.name = parseName().value;
      if (sdl_) sdl_->references.push_back({true, directive.name, directive.offset, sdlLocation});
      directive.arguments = parseArguments(isConst);
      directives.push_back(std::move(directive));
    }
    return directives;
  }

  ast::TypeNode parseTypeReference() {
    uint32_t start = lexer_.token().start;
    ast::TypeNode type;
    if (expectOptionalToken(TokenKind::BracketL)) {
      DepthGuard guard(*this);
      type = parseTypeReference();
      expectToken(TokenKind::BracketR);
      if (!type.wrapping.wrapList()) fail(start, "Type reference is nested too deeply.");
    } else {
      type = parseNamedType();
    }
    type.offset = start;
    if (expectOptionalToken(TokenKind::Bang) && !type.wrapping.wrapNonNull()) {
      fail(start, "Type reference is nested too deeply.");
    }
    return type;
  }

  ast::TypeNode parseNamedType() {
    ast::TypeNode type;
    Name name = parseName();
    type.name = name.value;
    type.offset = type.nameOffset = name.offset;
    if (sdl_) sdl_->references.push_back({false, name.value, name.offset, nullptr});
    return type;
  }

  bool peekDescription() const { return peek(TokenKind::String) || peek(TokenKind::BlockString); }
  void parseDescription() {
    if (peekDescription()) advanceLexer();
  }

  // ---- Type-system definitions: syntax only ----

  // Starts recording a type-system definition; finishTypeSystem() adds it to the document.
  ast::Definition& beginTypeSystem(uint32_t start) {
    sdlDefinition_ = ast::Definition();
    sdlDefinition_.kind = ast::DefinitionKind::TypeSystem;
    sdlDefinition_.offset = start;
    sdl_ = &sdlDefinition_;
    return sdlDefinition_;
  }
  void finishTypeSystem(std::string_view name, uint32_t nameOffset, bool isSchema,
                        bool definesType) {
    sdl_ = nullptr;
    sdlDefinition_.name = name;
    sdlDefinition_.nameOffset = nameOffset;
    sdlDefinition_.isSchema = isSchema;
    sdlDefinition_.definesType = definesType;
    if (document_) document_->definitions_.push_back(std::move(sdlDefinition_));
  }

  static const char* directiveLocationOf(std::string_view keyword) {
    if (keyword == "schema") return "SCHEMA";
    if (keyword == "scalar") return "SCALAR";
    if (keyword == "type") return "OBJECT";
    if (keyword == "interface") return "INTERFACE";
    if (keyword == "union") return "UNION";
    if (keyword == "enum") return "ENUM";
    return "INPUT_OBJECT";
  }

  void parseTypeSystemDefinition(std::string_view keyword) {
    ast::Definition& def = beginTypeSystem(lexer_.token().start);
    parseDescription();
    expectKeyword(keyword);
    if (keyword == "schema") {
      parseDirectives(true, "SCHEMA");
      many(
          TokenKind::BraceL, [&] { parseOperationTypeDefinition(); }, TokenKind::BraceR);
      return finishTypeSystem({}, ast::kNoOffset, true, false);
    }
    if (keyword == "directive") {
      expectToken(TokenKind::At);
      Name name = parseName();
      parseArgumentDefs("ARGUMENT_DEFINITION");
      def.repeatable = expectOptionalKeyword("repeatable");
      expectKeyword("on");
      delimitedMany(TokenKind::Pipe, [&] {
        Token token = lexer_.token();
        Name location = parseName();
        if (std::find(kDirectiveLocations.begin(), kDirectiveLocations.end(), location.value) ==
            kDirectiveLocations.end()) {
          unexpected(token);
        }
        def.directiveLocations.push_back(location.value);
      });
      return finishTypeSystem(name.value, name.offset, false, false);
    }
    Name name = parseName();
    parseTypeBody(keyword);
    finishTypeSystem(name.value, name.offset, false, true);
  }

  // What follows the name of a type definition or extension; returns whether anything did.
  bool parseTypeBody(std::string_view keyword) {
    bool any = false;
    if (keyword == "type" || keyword == "interface") {
      if (expectOptionalKeyword("implements")) {
        delimitedMany(TokenKind::Amp, [&] { parseNamedType(); });
        any = true;
      }
    }
    any = !parseDirectives(true, directiveLocationOf(keyword)).empty() || any;
    if (keyword == "type" || keyword == "interface") {
      if (peek(TokenKind::BraceL)) any = true;
      optionalMany(
          TokenKind::BraceL,
          [&] {
            parseDescription();
            parseName();
            parseArgumentDefs("ARGUMENT_DEFINITION");
            expectToken(TokenKind::Colon);
            parseTypeReference();
            parseDirectives(true, "FIELD_DEFINITION");
          },
          TokenKind::BraceR);
    } else if (keyword == "union") {
      if (expectOptionalToken(TokenKind::Equals)) {
        delimitedMany(TokenKind::Pipe, [&] { parseNamedType(); });
        any = true;
      }
    } else if (keyword == "enum") {
      if (peek(TokenKind::BraceL)) any = true;
      optionalMany(
          TokenKind::BraceL,
          [&] {
            parseDescription();
            const Token& token = lexer_.token();
            if (token.hasValue() &&
                (token.value == "true" || token.value == "false" || token.value == "null")) {
              fail(token.start,
                   tokenDescription(token) + " is reserved and cannot be used for an enum value.");
            }
            parseName();
            parseDirectives(true, "ENUM_VALUE");
          },
          TokenKind::BraceR);
    } else if (keyword == "input") {
      if (peek(TokenKind::BraceL)) any = true;
      optionalMany(
          TokenKind::BraceL, [&] { parseInputValueDef("INPUT_FIELD_DEFINITION"); },
          TokenKind::BraceR);
    }
    return any;
  }

  void parseOperationTypeDefinition() {
    parseOperationType();
    expectToken(TokenKind::Colon);
    parseNamedType();
  }

  void parseArgumentDefs(const char* location) {
    optionalMany(
        TokenKind::ParenL, [&] { parseInputValueDef(location); }, TokenKind::ParenR);
  }

  void parseInputValueDef(const char* location) {
    parseDescription();
    parseName();
    expectToken(TokenKind::Colon);
    parseTypeReference();
    if (expectOptionalToken(TokenKind::Equals)) parseValueLiteral(true);
    parseDirectives(true, location);
  }

  void parseTypeSystemExtension() {
    Token keyword = lexer_.lookahead();
    if (keyword.kind != TokenKind::Name) unexpected(keyword);
    std::string_view k = keyword.value;
    beginTypeSystem(lexer_.token().start);
    if (k == "schema") {
      expectKeyword("extend");
      expectKeyword("schema");
      bool any = !parseDirectives(true, "SCHEMA").empty();
      if (peek(TokenKind::BraceL)) any = true;
      optionalMany(
          TokenKind::BraceL, [&] { parseOperationTypeDefinition(); }, TokenKind::BraceR);
      if (!any) unexpected();
      return finishTypeSystem({}, ast::kNoOffset, true, false);
    }
    if (k != "scalar" && k != "type" && k != "interface" && k != "union" && k != "enum" &&
        k != "input") {
      unexpected(keyword);
    }
    expectKeyword("extend");
    expectKeyword(k);
    Name name = parseName();
    if (!parseTypeBody(k)) unexpected();
    finishTypeSystem(name.value, name.offset, false, false);
  }

  Lexer lexer_;
  const ParseLimits& limits_;
  ast::Document* document_ = nullptr;
  ast::Definition sdlDefinition_;   // the type-system definition being parsed
  ast::Definition* sdl_ = nullptr;  // set while parsing one
  size_t tokenCount_ = 0;
  unsigned depth_ = 0;
};

ParseResult parse(std::string source, const ParseLimits& limits) {
  return Parser::parseSource(std::move(source), limits);
}

std::optional<ast::TypeNode> parseTypeReference(std::string_view text) {
  std::deque<std::string> strings;
  std::vector<uint32_t> lineStarts;
  bool asciiOnly = true;
  ParseLimits limits;
  Parser parser(text, LexerSink{&strings, &lineStarts, &asciiOnly}, limits);
  try {
    return parser.parseStandaloneType();
  } catch (const SyntaxError&) {
    return std::nullopt;
  }
}

}  // namespace watt::graphql
