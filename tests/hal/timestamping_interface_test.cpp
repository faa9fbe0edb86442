// current_timestamp_source against a mocked interface: the active set decides, "not supported"
// means application-level timestamps, and other failures are reported, not hidden.
#include <gtest/gtest.h>

#include "mock_hal.h"

namespace ptp::hal {
namespace {

using ::testing::Return;

TEST(CurrentTimestampSource, UsesTheActiveSetNotTheSupportedOne) {
  test::MockTimestampingInterface interface;
  InterfaceTimestampCapabilities caps;
  caps.supported.hardware.all_receive = true;
  caps.supported.hardware.all_transmit = true;
  caps.active.software.all_receive = true;
  caps.active.software.all_transmit = true;
  EXPECT_CALL(interface, capabilities())
      .WillOnce(Return(Result<InterfaceTimestampCapabilities, HalError>(caps)));
  EXPECT_EQ(current_timestamp_source(interface, AddressFamily::kIpv4), TimestampSource::kSoftware);
}

TEST(CurrentTimestampSource, NotSupportedMeansApplicationTimestamps) {
  test::MockTimestampingInterface interface;
  EXPECT_CALL(interface, capabilities())
      .WillOnce(Return(Result<InterfaceTimestampCapabilities, HalError>(
          unexpected(HalError{HalErrorCode::kNotSupported, 50}))));
  EXPECT_EQ(current_timestamp_source(interface, AddressFamily::kIpv6), TimestampSource::kNone);
}

TEST(CurrentTimestampSource, OtherFailuresArePassedOn) {
  test::MockTimestampingInterface interface;
  const HalError failure{HalErrorCode::kOsError, 1450};
  EXPECT_CALL(interface, capabilities())
      .WillOnce(Return(Result<InterfaceTimestampCapabilities, HalError>(unexpected(failure))));
  const auto source = current_timestamp_source(interface, AddressFamily::kIpv4);
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error(), failure);
}

}  // namespace
}  // namespace ptp::hal
