// Counts heap allocations around encode and decode of every message type and typed TLV and
// asserts there are none: the codec must be usable in a per-packet path without a heap.
// It links the heap allocation counter (a replaced operator new), so it is its own executable.
#include <gtest/gtest.h>

#include <array>

#include "heap_allocation_counter.h"
#include "ptp/core/management_responder.h"
#include "ptp/wire/management_error_status_tlv.h"
#include "ptp/wire/management_tlv.h"
#include "ptp/wire/message.h"
#include "ptp/wire/organization_extension_tlv.h"
#include "ptp/wire/path_trace_tlv.h"
#include "random_message.h"

namespace ptp::wire {
namespace {

using test::RandomMessages;

TEST(Allocation, CountingWorks) {
  const long before = static_cast<long>(ptp::test::heap_allocations());
  auto* p = new int(3);
  EXPECT_EQ(static_cast<long>(ptp::test::heap_allocations()) - before, 1);
  delete p;
}

TEST(Allocation, EncodeAndDecodeOfEveryMessageTypeAllocateNothing) {
  RandomMessages random(42);
  std::array<std::byte, 512> tlv_storage{};
  std::array<std::byte, 1024> buffer{};
  long total = 0;
  for (const MessageType type : RandomMessages::kAllTypes) {
    const Message message = random.message(type, tlv_storage);
    const long before = static_cast<long>(ptp::test::heap_allocations());
    const auto size = encode_message(message, buffer);
    const auto decoded = decode_message(std::span(buffer).first(size ? *size : 0));
    total += static_cast<long>(ptp::test::heap_allocations()) - before;
    ASSERT_TRUE(size);
    ASSERT_TRUE(decoded);
  }
  EXPECT_EQ(total, 0);
}

TEST(Allocation, TypedTlvsAllocateNothing) {
  std::array<std::byte, 256> buffer{};
  const std::array<ClockIdentity, 3> path{};
  const std::array<std::byte, 4> org_data{};
  const long before = static_cast<long>(ptp::test::heap_allocations());
  TlvWriter writer(buffer);
  bool ok = append_management_tlv(writer, {ManagementId::kPortDataSet, ManagementPortDataSet{}})
                .has_value();
  ok = ok && append_management_error_status_tlv(
                 writer, {ManagementErrorId::kNoSuchId, ManagementId::kTime, "no"})
                 .has_value();
  ok = ok && append_path_trace_tlv(writer, path).has_value();
  ok = ok && append_organization_extension_tlv(
                 writer, {TlvType::kOrganizationExtension, {1, 2, 3}, {4, 5, 6}, org_data})
                 .has_value();
  int decoded = 0;
  for (const TlvView tlv : TlvList(writer.written())) {
    switch (tlv.type) {
      case TlvType::kManagement: decoded += decode_management_tlv(tlv).has_value(); break;
      case TlvType::kManagementErrorStatus:
        decoded += decode_management_error_status_tlv(tlv).has_value();
        break;
      case TlvType::kPathTrace: decoded += decode_path_trace_tlv(tlv).has_value(); break;
      default: decoded += decode_organization_extension_tlv(tlv).has_value(); break;
    }
  }
  const long allocations = static_cast<long>(ptp::test::heap_allocations()) - before;
  EXPECT_TRUE(ok);
  EXPECT_EQ(decoded, 4);
  EXPECT_EQ(allocations, 0);
}

TEST(Allocation, AnsweringAManagementGetAllocatesNothing) {
  std::array<std::byte, 16> tlv_storage{};
  TlvWriter writer(tlv_storage);
  ASSERT_TRUE(append_management_tlv(writer, {ManagementId::kParentDataSet, std::monostate{}}));
  Management body;
  body.target_port_identity = PortIdentity{
      ClockIdentity{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}, PortIdentity::kAllPorts};
  Header header;
  header.message_type = MessageType::kManagement;
  const Message request{header, body, writer.written()};
  const ptp::ManagementContext context{};
  std::array<std::byte, ptp::kMaxManagementReplyLength> reply{};
  const long before = static_cast<long>(ptp::test::heap_allocations());
  const auto outcome = ptp::respond_to_management(request, context, reply);
  const long allocations = static_cast<long>(ptp::test::heap_allocations()) - before;
  ASSERT_TRUE(outcome);
  ASSERT_TRUE(outcome->has_value());
  EXPECT_GT((*outcome)->response_length, kHeaderSize);
  EXPECT_EQ(allocations, 0);
}

}  // namespace
}  // namespace ptp::wire
