// The one place that pulls in Asio and Beast. It is the precompiled header of watt_core, so the
// heavy templates are parsed once per build instead of once per translation unit.
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/json.hpp>

namespace watt {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;
using boost::system::error_code;

// Completion token for the data path: errors come back as values, never as exceptions.
inline constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

template <typename T>
using Task = asio::awaitable<T>;

}  // namespace watt
