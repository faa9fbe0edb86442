// Tests of metrics_address values (apps/common metrics_address.h).
#include "ptp/app/metrics_address.h"

#include <gtest/gtest.h>

#include <string>

namespace ptp::app {
namespace {

void expect_address(const std::string& text, const std::string& host, std::uint16_t port) {
  const auto address = parse_metrics_address(text);
  ASSERT_TRUE(address.has_value()) << text << ": " << address.error();
  EXPECT_EQ(address->host, host) << text;
  EXPECT_EQ(address->port, port) << text;
}

void expect_error(const std::string& text, const std::string& part) {
  const auto address = parse_metrics_address(text);
  ASSERT_FALSE(address.has_value()) << text;
  EXPECT_NE(address.error().find(part), std::string::npos) << text << ": " << address.error();
}

TEST(MetricsAddress, ABarePortBindsLoopback) { expect_address("9120", "127.0.0.1", 9120); }

TEST(MetricsAddress, TakesIpv4AndBracketedIpv6) {
  expect_address("127.0.0.1:9120", "127.0.0.1", 9120);
  expect_address("0.0.0.0:1", "0.0.0.0", 1);
  expect_address("10.99.0.2:65535", "10.99.0.2", 65535);
  expect_address("[::1]:9120", "::1", 9120);
  expect_address("[fe80::1:2]:80", "fe80::1:2", 80);
}

TEST(MetricsAddress, RefusesWhatIsNotAnAddressAndPort) {
  expect_error("", "expected PORT");
  expect_error("localhost:9120", "host names are not accepted");
  expect_error("127.0.0.1", "expected PORT");
  expect_error("256.0.0.1:9120", "not an IPv4 address");
  expect_error("1.2.3:9120", "not an IPv4 address");
  expect_error("1.2.3.4.5:9120", "not an IPv4 address");
  expect_error("127.0.0.1:0", "not in [1, 65535]");
  expect_error("127.0.0.1:65536", "not in [1, 65535]");
  expect_error("127.0.0.1:", "not in [1, 65535]");
  expect_error("127.0.0.1:91x", "not in [1, 65535]");
  expect_error("0", "not in [1, 65535]");
  expect_error("99999999999999999999", "not in [1, 65535]");
  expect_error("::1:9120", "needs brackets");
  expect_error("[::1]9120", "expected PORT");
  expect_error("[::g]:9120", "not an IPv6 address");
  expect_error("[]:9120", "not an IPv6 address");
}

}  // namespace
}  // namespace ptp::app
