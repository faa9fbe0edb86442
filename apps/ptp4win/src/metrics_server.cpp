// MetricsServer: the accept loop and one connection's read-answer-close, with Boost.Beast.
// Connections own their state through shared_ptr (Asio's handlers keep them alive); they share
// the server's State, which outlives the server object if a handler is still queued, and whose
// `stopped` flag keeps them from calling the render function after stop().
#include "ptp/ptp4win/metrics_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <list>
#include <optional>
#include <string_view>
#include <utility>

#include "ptp/app/metrics.h"

namespace ptp::ptp4win {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

// The path of a request target, without its query.
std::string_view target_path(std::string_view target) { return target.substr(0, target.find('?')); }

std::string format_endpoint(const tcp::endpoint& endpoint) {
  const std::string address = endpoint.address().to_string();
  const std::string port = std::to_string(endpoint.port());
  return endpoint.address().is_v6() ? "[" + address + "]:" + port : address + ":" + port;
}

}  // namespace

struct MetricsServer::State {
  State(boost::asio::io_context& io, Render render_function)
      : acceptor(io), render(std::move(render_function)) {}
  tcp::acceptor acceptor;
  Render render;
  bool stopped = false;
  std::list<std::weak_ptr<Connection>> connections;  // open ones, to close at stop()
};

class MetricsServer::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, std::shared_ptr<State> state)
      : stream_(std::move(socket)), state_(std::move(state)) {}

  void start() {
    parser_.header_limit(static_cast<std::uint32_t>(MetricsServer::kMaxRequestBytes));
    parser_.body_limit(MetricsServer::kMaxRequestBytes);
    stream_.expires_after(MetricsServer::kTimeout);
    http::async_read(stream_, buffer_, parser_,
                     [self = shared_from_this()](beast::error_code error, std::size_t) {
                       self->on_read(error);
                     });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

 private:
  // A request too large, malformed, or not complete in time gets no answer: the socket closes.
  void on_read(beast::error_code error) {
    if (error || state_->stopped) {
      close();
      return;
    }
    const auto& request = parser_.get();
    response_.version(request.version());
    response_.keep_alive(false);
    if (target_path(request.target()) != "/metrics") {
      answer(http::status::not_found, "text/plain", "only /metrics is served\n");
    } else if (request.method() != http::verb::get) {
      response_.set(http::field::allow, "GET");
      answer(http::status::method_not_allowed, "text/plain", "only GET is served\n");
    } else {
      answer(http::status::ok, app::kPrometheusContentType, state_->render());
    }
  }

  void answer(http::status status, std::string_view content_type, std::string body) {
    response_.result(status);
    response_.set(http::field::content_type, content_type);
    response_.body() = std::move(body);
    response_.prepare_payload();
    stream_.expires_after(MetricsServer::kTimeout);
    http::async_write(
        stream_, response_,
        [self = shared_from_this()](beast::error_code, std::size_t) { self->close(); });
  }

  beast::tcp_stream stream_;
  std::shared_ptr<State> state_;
  beast::flat_buffer buffer_{MetricsServer::kMaxRequestBytes};
  http::request_parser<http::string_body> parser_;
  http::response<http::string_body> response_;
};

void MetricsServer::accept_next(const std::shared_ptr<State>& state) {
  state->acceptor.async_accept([state](beast::error_code error, tcp::socket socket) {
    if (error || state->stopped) return;  // closed by stop(), or the process is stopping
    state->connections.remove_if([](const std::weak_ptr<Connection>& c) { return c.expired(); });
    if (state->connections.size() >= kMaxConnections) {
      beast::error_code ignored;
      socket.close(ignored);  // over the limit: refused at once, never queued
    } else {
      auto connection = std::make_shared<Connection>(std::move(socket), state);
      state->connections.push_back(connection);
      connection->start();
    }
    accept_next(state);
  });
}

MetricsServer::MetricsServer(std::shared_ptr<State> state) : state_(std::move(state)) {}

MetricsServer::~MetricsServer() { stop(); }

Result<std::unique_ptr<MetricsServer>, std::string> MetricsServer::start(
    boost::asio::io_context& io, const app::MetricsAddress& address, Render render) {
  beast::error_code error;
  const auto ip = boost::asio::ip::make_address(address.host, error);
  if (error) return unexpected("'" + address.host + "' is not an IP address");
  const tcp::endpoint endpoint(ip, address.port);
  auto state = std::make_shared<State>(io, std::move(render));
  const auto failed =
      [&](std::string_view step) -> Result<std::unique_ptr<MetricsServer>, std::string> {
    // The OS's text and its number (10048 is WSAEADDRINUSE), as the README's troubleshooting
    // table and a search engine know them.
    return unexpected("cannot " + std::string(step) + " " + format_endpoint(endpoint) + ": " +
                      error.message() + " (error " + std::to_string(error.value()) + ")");
  };
  state->acceptor.open(endpoint.protocol(), error);
  if (error) return failed("open a socket for");
  state->acceptor.bind(endpoint, error);
  if (error) return failed("listen on");
  state->acceptor.listen(static_cast<int>(kMaxConnections), error);
  if (error) return failed("listen on");
  accept_next(state);
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(state)));
}

void MetricsServer::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  beast::error_code ignored;
  state_->acceptor.close(ignored);
  for (const auto& weak : state_->connections) {
    if (auto connection = weak.lock()) connection->close();
  }
  state_->connections.clear();
}

std::string MetricsServer::local_address() const {
  beast::error_code error;
  const auto endpoint = state_->acceptor.local_endpoint(error);
  return error ? std::string() : format_endpoint(endpoint);
}

}  // namespace ptp::ptp4win
