#pragma once
// The client side of mutual TLS, shared by the HTTPS connection and the stream client.
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "lib/connection.hpp"

namespace varde::client {

boost::asio::ssl::context make_client_context(tls_options const& o);

// Sets SNI and host-name verification of the node's certificate on one SSL stream.
void expect_server_name(boost::beast::ssl_stream<boost::beast::tcp_stream>& s, std::string const& name);

}  // namespace varde::client
