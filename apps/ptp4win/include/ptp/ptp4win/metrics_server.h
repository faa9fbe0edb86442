// MetricsServer: serves GET /metrics (the Prometheus text format) over HTTP/1.1 with Boost.Beast,
// on the io_context that runs the PTP loop, so the metrics are read on the loop thread without
// locks. The render function (called on that thread) copies and formats the clock's state into a
// string; the write then proceeds asynchronously. Only GET /metrics is served (404 for other
// paths, 405 for other methods); at most kMaxConnections at a time (more are closed at once),
// requests of at most kMaxRequestBytes, kTimeout to read a request and to write the answer, one
// request per connection.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "ptp/app/metrics_address.h"
#include "ptp/result.h"

namespace ptp::ptp4win {

class MetricsServer {
 public:
  static constexpr std::size_t kMaxConnections = 4;
  static constexpr std::size_t kMaxRequestBytes = 4096;
  static constexpr std::chrono::seconds kTimeout{5};

  using Render = std::function<std::string()>;

  // Binds and starts accepting; the error says where and why not, with the OS's own text and
  // code ("cannot listen on 127.0.0.1:9120: <the OS's message> (error 10048)").
  static Result<std::unique_ptr<MetricsServer>, std::string> start(
      boost::asio::io_context& io, const app::MetricsAddress& address, Render render);

  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;
  MetricsServer(MetricsServer&&) = delete;
  MetricsServer& operator=(MetricsServer&&) = delete;

  // Stops accepting and answering; connections in progress are closed. Idempotent.
  void stop();
  // "127.0.0.1:9120", "[::1]:9120": where it listens (the bound port, also for port 0).
  [[nodiscard]] std::string local_address() const;

 private:
  struct State;
  class Connection;
  explicit MetricsServer(std::shared_ptr<State> state);
  static void accept_next(const std::shared_ptr<State>& state);
  std::shared_ptr<State> state_;
};

}  // namespace ptp::ptp4win
