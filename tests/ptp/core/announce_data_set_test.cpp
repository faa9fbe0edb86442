// announce_data_set: a decoded Announce (golden octets) becomes the AnnounceDataSet the BMCA
// compares, field for field, with the time-properties flags taken from the header.
#include <gtest/gtest.h>

#include <vector>

#include "ptp/core/announce_data_set.h"
#include "ptp/wire/message.h"

namespace ptp {
namespace {

std::vector<std::byte> octets(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  for (const int value : values) out.push_back(static_cast<std::byte>(value));
  return out;
}

TEST(AnnounceDataSet, TakesEveryComparedFieldFromTheAnnounce) {
  // Announce from 00:1b:21:ff:fe:12:34:56 port 1; flags: leap59, UTC offset valid, PTP
  // timescale, time traceable (octet 1 = 0x1e); GM 00:11:22:ff:fe:33:44:55, priority1 127,
  // class 6, accuracy 0x21, variance 0x4e5d, priority2 128, stepsRemoved 2, GNSS, UTC offset 37.
  const auto bytes =
      octets({0x0b, 0x12, 0x00, 0x40, 0x00, 0x00, 0x00, 0x1e,                          //
              0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //
              0x00, 0x1b, 0x21, 0xff, 0xfe, 0x12, 0x34, 0x56, 0x00, 0x01,              //
              0x00, 0x05, 0x05, 0x01,                                                  //
              0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,              //
              0x00, 0x25, 0x00, 0x7f, 0x06, 0x21, 0x4e, 0x5d, 0x80,                    //
              0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55, 0x00, 0x02, 0x20});
  const auto message = wire::decode_message(bytes);
  ASSERT_TRUE(message);
  const PortIdentity receiver{ClockIdentity{{9, 9, 9, 9, 9, 9, 9, 9}}, 3};
  const AnnounceDataSet data_set =
      announce_data_set(message->header, std::get<wire::Announce>(message->body), receiver);

  EXPECT_EQ(data_set.grandmaster_priority1, 127);
  EXPECT_EQ(data_set.grandmaster_clock_quality.clock_class, 6);
  EXPECT_EQ(data_set.grandmaster_clock_quality.clock_accuracy, ClockAccuracy::kWithin100ns);
  EXPECT_EQ(data_set.grandmaster_clock_quality.offset_scaled_log_variance, 0x4e5d);
  EXPECT_EQ(data_set.grandmaster_priority2, 128);
  EXPECT_EQ(data_set.grandmaster_identity,
            (ClockIdentity{{0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55}}));
  EXPECT_EQ(data_set.steps_removed, 2);
  EXPECT_EQ(data_set.sender,
            (PortIdentity{ClockIdentity{{0x00, 0x1b, 0x21, 0xff, 0xfe, 0x12, 0x34, 0x56}}, 1}));
  EXPECT_EQ(data_set.receiver, receiver);
  EXPECT_EQ(data_set.time_source, TimeSource::kGnss);
  EXPECT_EQ(data_set.current_utc_offset, 37);
  EXPECT_FALSE(data_set.flags.leap61);
  EXPECT_TRUE(data_set.flags.leap59);
  EXPECT_TRUE(data_set.flags.current_utc_offset_valid);
  EXPECT_TRUE(data_set.flags.ptp_timescale);
  EXPECT_TRUE(data_set.flags.time_traceable);
  EXPECT_FALSE(data_set.flags.frequency_traceable);
}

}  // namespace
}  // namespace ptp
