// Proves the Boost toolchain for real on every platform (natively with Debian's Boost, and for the
// mingw-w64 cross-build with Boost built from source, run under Wine): Boost.Program_options is
// linked and parses, Boost.Asio drives timers and UDP sockets.
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/program_options.hpp>
#include <boost/version.hpp>

namespace po = boost::program_options;

namespace {

po::options_description make_options() {
  po::options_description desc("test options");
  desc.add_options()                                                       //
      ("domain", po::value<int>()->default_value(0), "PTP domain number")  //
      ("iface", po::value<std::string>(), "network interface")             //
      ("verbose", "more output");
  return desc;
}

po::variables_map parse(const std::vector<std::string>& args) {
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(make_options()).run(), vm);
  po::notify(vm);
  return vm;
}

}  // namespace

TEST(BoostToolchain, IsBoost181) { EXPECT_EQ(BOOST_VERSION / 100, 1081); }

TEST(BoostToolchain, ProgramOptionsParsesTypedOptions) {
  const po::variables_map vm = parse({"--domain", "24", "--iface=eth0", "--verbose"});
  ASSERT_EQ(vm.count("domain"), 1U);
  EXPECT_EQ(vm["domain"].as<int>(), 24);
  EXPECT_EQ(vm["iface"].as<std::string>(), "eth0");
  EXPECT_EQ(vm.count("verbose"), 1U);

  const po::variables_map defaults = parse({});
  EXPECT_EQ(defaults["domain"].as<int>(), 0);
  EXPECT_TRUE(defaults["domain"].defaulted());
  EXPECT_EQ(defaults.count("iface"), 0U);
}

TEST(BoostToolchain, ProgramOptionsRejectsUnknownOption) {
  try {
    (void)parse({"--domain", "1", "--no-such-option"});
    FAIL() << "an unknown option was accepted";
  } catch (const po::unknown_option& e) {
    EXPECT_EQ(e.get_option_name(), "--no-such-option");
    EXPECT_NE(std::string(e.what()).find("no-such-option"), std::string::npos) << e.what();
  }
}

TEST(BoostToolchain, ProgramOptionsRejectsBadValue) {
  EXPECT_THROW((void)parse({"--domain", "not-a-number"}), po::invalid_option_value);
}

TEST(BoostToolchain, AsioSteadyTimerFires) {
  boost::asio::io_context io;
  boost::asio::steady_timer timer(io, std::chrono::steady_clock::duration::zero());
  bool fired = false;
  boost::system::error_code result = boost::asio::error::would_block;
  timer.async_wait([&](const boost::system::error_code& ec) {
    fired = true;
    result = ec;
  });
  const std::size_t handlers = io.run_for(std::chrono::seconds(10));
  EXPECT_EQ(handlers, 1U);
  EXPECT_TRUE(fired);
  EXPECT_FALSE(result) << result.message();
}

TEST(BoostToolchain, AsioUdpLoopbackRoundTrip) {
  namespace ip = boost::asio::ip;
  boost::asio::io_context io;
  ip::udp::socket socket(io, ip::udp::endpoint(ip::make_address_v4("127.0.0.1"), 0));
  const ip::udp::endpoint self = socket.local_endpoint();
  ASSERT_NE(self.port(), 0) << "binding to port 0 must pick an ephemeral port";

  const std::string payload = "ptpstack boost toolchain";
  std::array<char, 64> received{};
  ip::udp::endpoint sender;
  boost::system::error_code send_ec = boost::asio::error::would_block;
  boost::system::error_code recv_ec = boost::asio::error::would_block;
  std::size_t sent = 0;
  std::size_t got = 0;

  socket.async_receive_from(boost::asio::buffer(received), sender,
                            [&](const boost::system::error_code& ec, std::size_t n) {
                              recv_ec = ec;
                              got = n;
                            });
  socket.async_send_to(boost::asio::buffer(payload), self,
                       [&](const boost::system::error_code& ec, std::size_t n) {
                         send_ec = ec;
                         sent = n;
                       });
  // Both handlers are done when run_for returns early; the time limit only guards a broken stack.
  io.run_for(std::chrono::seconds(10));

  EXPECT_FALSE(send_ec) << send_ec.message();
  EXPECT_FALSE(recv_ec) << recv_ec.message();
  EXPECT_EQ(sent, payload.size());
  ASSERT_EQ(got, payload.size());
  EXPECT_EQ(std::string(received.data(), got), payload);
  EXPECT_EQ(sender, self);
}
