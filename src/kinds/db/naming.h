// Names of generated API elements, as Platformatic DB derives them from SQL names: entity names
// are the singular (Rails' English inflection rules, as the `inflected` package implements
// them) in PascalCase; plural names and field names are camelCase (the `camelcase` package's
// rules). books_tags -> entity "BooksTag", plural "booksTags"; author_id -> "authorId".
#pragma once

#include <string>
#include <string_view>

namespace watt::kinds::db {

// "categories" -> "category", "books_tags" -> "books_tag", "people" -> "person".
std::string singularize(std::string_view word);

// camelcase("books_tags") -> "booksTags", camelcase("author_id") -> "authorId",
// camelcase("FooBar") -> "fooBar", camelcase("ID") -> "id".
std::string camelCase(std::string_view input);

std::string upperFirst(std::string_view s);
std::string lowerFirst(std::string_view s);

// The entity name of a table: upperFirst(camelCase(singularize(table))) -> "BooksTag".
std::string entityNameOf(std::string_view table);

}  // namespace watt::kinds::db
