// Tests of ptp4win's MetricsServer (under Wine, on the loopback interface): GET /metrics answers
// the rendered text; other paths 404, other methods 405; an oversized request gets no answer; a
// port already taken is refused with the address and the OS's error, and ptp4win then exits 1
// before PTP starts. The client runs on the same io_context, which runs until the client's last
// handler stops it.
#include "ptp/ptp4win/metrics_server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ptp/app/linuxptp_config.h"
#include "ptp/ptp4win/logger.h"
#include "ptp/ptp4win/ptp4win_app.h"
#include "ptp/win/win_api.h"

namespace ptp::ptp4win {
namespace {

using tcp = boost::asio::ip::tcp;

// What came back for one raw request: everything the server wrote before closing.
std::string exchange(boost::asio::io_context& io, std::uint16_t port, std::string request) {
  auto socket = std::make_shared<tcp::socket>(io);
  auto sent = std::make_shared<std::string>(std::move(request));
  auto received = std::make_shared<std::string>();
  socket->async_connect(
      tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port),
      [&io, socket, sent, received](const boost::system::error_code& error) {
        if (error) {
          io.stop();
          return;
        }
        boost::asio::async_write(
            *socket, boost::asio::buffer(*sent),
            [&io, socket, sent, received](const boost::system::error_code&, std::size_t) {
              // Read to the end, whether or not the write went through (a refused request).
              boost::asio::async_read(*socket, boost::asio::dynamic_buffer(*received),
                                      [&io, socket, received](const boost::system::error_code&,
                                                              std::size_t) { io.stop(); });
            });
      });
  io.restart();
  io.run_for(std::chrono::seconds(20));  // a bound for a broken server, never reached otherwise
  return *received;
}

class MetricsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = MetricsServer::start(io_, app::MetricsAddress{"127.0.0.1", 0}, [this] {
      ++renders_;
      return std::string("ptp_test_total 42\n");
    });
    ASSERT_TRUE(server.has_value()) << server.error();
    server_ = std::move(server.value());
    const std::string address = server_->local_address();
    port_ = static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
  }

  boost::asio::io_context io_;
  std::unique_ptr<MetricsServer> server_;
  std::uint16_t port_ = 0;
  int renders_ = 0;
};

TEST_F(MetricsServerTest, AnswersGetMetricsWithTheRenderedText) {
  const std::string reply =
      exchange(io_, port_, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << reply;
  EXPECT_NE(reply.find("Content-Type: text/plain; version=0.0.4\r\n"), std::string::npos) << reply;
  EXPECT_NE(reply.find("Content-Length: 18\r\n"), std::string::npos) << reply;
  EXPECT_EQ(reply.substr(reply.size() - 18), "ptp_test_total 42\n");
  EXPECT_EQ(renders_, 1);
  // A query string is ignored; HTTP/1.0 gets a 1.0 answer.
  const std::string query = exchange(io_, port_, "GET /metrics?x=1 HTTP/1.0\r\n\r\n");
  EXPECT_EQ(query.rfind("HTTP/1.0 200 OK\r\n", 0), 0U) << query;
  EXPECT_EQ(renders_, 2);
}

TEST_F(MetricsServerTest, ServesNothingElse) {
  const std::string root = exchange(io_, port_, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(root.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0U) << root;
  const std::string deeper = exchange(io_, port_, "GET /metrics/x HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(deeper.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0U) << deeper;
  const std::string post =
      exchange(io_, port_, "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  EXPECT_EQ(post.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0U) << post;
  EXPECT_NE(post.find("Allow: GET\r\n"), std::string::npos) << post;
  const std::string head = exchange(io_, port_, "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0U) << head;
  EXPECT_EQ(renders_, 0);
}

TEST_F(MetricsServerTest, AnOversizedOrMalformedRequestGetsNoAnswer) {
  const std::string big(2 * MetricsServer::kMaxRequestBytes, 'a');
  EXPECT_EQ(exchange(io_, port_, "GET /metrics HTTP/1.1\r\nX-Big: " + big + "\r\n\r\n"), "");
  EXPECT_EQ(exchange(io_, port_, "NOT HTTP AT ALL\r\n\r\n"), "");
  EXPECT_EQ(renders_, 0);
  // The server still answers afterwards.
  const std::string reply = exchange(io_, port_, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << reply;
}

TEST_F(MetricsServerTest, StopsAnswering) {
  server_->stop();
  EXPECT_EQ(exchange(io_, port_, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), "");
  EXPECT_EQ(renders_, 0);
}

TEST(MetricsServer, RefusesAHostName) {
  boost::asio::io_context io;
  auto not_ip = MetricsServer::start(io, app::MetricsAddress{"localhost", 9120},
                                     [] { return std::string(); });
  ASSERT_FALSE(not_ip.has_value());
  EXPECT_NE(not_ip.error().find("not an IP address"), std::string::npos) << not_ip.error();
}

// A loopback port some other program holds: a plain listening socket the test opens itself.
class OccupiedPortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const tcp::endpoint any_port(boost::asio::ip::make_address("127.0.0.1"), 0);
    occupier_.open(any_port.protocol());
    occupier_.bind(any_port);
    occupier_.listen();
    port_ = occupier_.local_endpoint().port();
    address_ = "127.0.0.1:" + std::to_string(port_);
  }

  boost::asio::io_context io_;
  tcp::acceptor occupier_{io_};
  std::uint16_t port_ = 0;
  std::string address_;
};

// WSAEADDRINUSE: what Windows (and Wine) report for a bind to a port in use.
constexpr int kAddressInUse = 10048;

TEST_F(OccupiedPortTest, TheServerSaysWhereAndTheOsError) {
  auto server = MetricsServer::start(io_, app::MetricsAddress{"127.0.0.1", port_},
                                     [] { return std::string(); });
  ASSERT_FALSE(server.has_value());
  EXPECT_NE(server.error().find("cannot listen on " + address_ + ": "), std::string::npos)
      << server.error();
  EXPECT_NE(server.error().find("(error " + std::to_string(kAddressInUse) + ")"), std::string::npos)
      << server.error();
}

TEST_F(OccupiedPortTest, Ptp4winExitsBeforePtpStarts) {
  std::vector<std::pair<LogLevel, std::string>> lines;
  const Logger logger(
      LoggerConfig{},
      [&lines](LogLevel level, std::string_view line) {
        lines.emplace_back(level, std::string(line));
      },
      [] { return Nanoseconds(0); });
  app::LinuxPtpConfig config;
  config.clock.metrics_address.value = address_;
  // No such interface: had PTP started first, it would have failed on this and said so.
  const int exit_code = run_ordinary_clock(io_, win::load_win_api(), config, "no-such-adapter",
                                           logger, [] { ADD_FAILURE() << "PTP ran"; });
  EXPECT_EQ(exit_code, 1);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0].first, LogLevel::kError);
  EXPECT_NE(lines[0].second.find("metrics_address: cannot listen on " + address_ + ": "),
            std::string::npos)
      << lines[0].second;
  EXPECT_NE(lines[0].second.find("(error " + std::to_string(kAddressInUse) + ")"),
            std::string::npos)
      << lines[0].second;
}

}  // namespace
}  // namespace ptp::ptp4win
