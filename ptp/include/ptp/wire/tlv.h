// TLVs (IEEE 1588-2019 clause 14): the type/length/value entries that may follow any message.
// TlvReader walks an untrusted TLV area with bounds checks; TlvList iterates an area that has
// been validated (Message::tlvs always is); TlvWriter appends TLVs into a caller's buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>

#include "ptp/result.h"
#include "ptp/wire/byte_order.h"
#include "ptp/wire/wire_error.h"

namespace ptp::wire {

inline constexpr std::size_t kTlvHeaderSize = 4;

// 1588-2019 Table 52. tlvType is 16 bits; values not listed are carried through untouched.
enum class TlvType : std::uint16_t {
  kManagement = 0x0001,
  kManagementErrorStatus = 0x0002,
  kOrganizationExtension = 0x0003,
  kRequestUnicastTransmission = 0x0004,
  kGrantUnicastTransmission = 0x0005,
  kCancelUnicastTransmission = 0x0006,
  kAcknowledgeCancelUnicastTransmission = 0x0007,
  kPathTrace = 0x0008,
  kAlternateTimeOffsetIndicator = 0x0009,
  kOrganizationExtensionPropagate = 0x4000,
  kEnhancedAccuracyMetrics = 0x4001,
  kOrganizationExtensionDoNotPropagate = 0x8000,
  kL1Sync = 0x8001,
  kPortCommunicationAvailability = 0x8002,
  kProtocolAddress = 0x8003,
  kSlaveRxSyncTimingData = 0x8004,
  kSlaveRxSyncComputedData = 0x8005,
  kSlaveTxEventTimestamps = 0x8006,
  kCumulativeRateRatio = 0x8007,
  kPad = 0x8008,
  kAuthentication = 0x8009,
};

struct TlvView {
  TlvType type{};
  std::span<const std::byte> value;  // lengthField octets
};

// Walks a TLV area. Fewer than four octets left after the last TLV are trailing padding and end
// the walk (as ptp4l treats them); a lengthField running past the area is kBadTlvLength.
class TlvReader {
 public:
  explicit TlvReader(std::span<const std::byte> area) : rest_(area) {}

  // The next TLV, std::nullopt at the end, or the error that stops the walk.
  Result<std::optional<TlvView>, WireError> next();

 private:
  std::span<const std::byte> rest_;
};

// Checks a whole TLV area; on success TlvList may iterate it without further checks.
Result<void, WireError> validate_tlv_area(std::span<const std::byte> area);

class TlvList {
 public:
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = TlvView;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = TlvView;

    Iterator() = default;
    explicit Iterator(std::span<const std::byte> rest) : rest_(rest) { skip_padding(); }

    TlvView operator*() const {
      return TlvView{static_cast<TlvType>(load_u16(rest_.data())),
                     rest_.subspan(kTlvHeaderSize, load_u16(rest_.data() + 2))};
    }
    Iterator& operator++() {
      rest_ = rest_.subspan(kTlvHeaderSize + load_u16(rest_.data() + 2));
      skip_padding();
      return *this;
    }
    Iterator operator++(int) {
      Iterator before = *this;
      ++*this;
      return before;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) {
      return a.rest_.size() == b.rest_.size();
    }

   private:
    void skip_padding() {
      if (rest_.size() < kTlvHeaderSize) rest_ = {};
    }
    std::span<const std::byte> rest_;
  };

  // Precondition: validate_tlv_area(area) succeeded.
  explicit TlvList(std::span<const std::byte> validated_area) : area_(validated_area) {}

  [[nodiscard]] Iterator begin() const { return Iterator(area_); }
  [[nodiscard]] Iterator end() const { return Iterator(); }
  [[nodiscard]] bool empty() const { return begin() == end(); }

 private:
  std::span<const std::byte> area_;
};

// A bounded cursor over a TLV's value, for the typed encoders and decoders.
class ValueWriter {
 public:
  explicit ValueWriter(std::span<std::byte> out) : out_(out) {}
  [[nodiscard]] std::byte* take(std::size_t size) {
    std::byte* p = out_.data() + used_;
    used_ += size;
    return p;
  }
  [[nodiscard]] std::size_t used() const { return used_; }

 private:
  std::span<std::byte> out_;
  std::size_t used_ = 0;
};

// Appends TLVs to a caller's buffer, checking space before each write.
class TlvWriter {
 public:
  explicit TlvWriter(std::span<std::byte> out) : out_(out) {}

  // Appends a TLV whose value is `value`, copied as is.
  Result<void, WireError> append(TlvType type, std::span<const std::byte> value);

  // Appends a TLV with a value of `value_length` octets that `fill` writes through the
  // ValueWriter it is given (it must take exactly value_length octets).
  template <class Fill>
  Result<void, WireError> append_with(TlvType type, std::size_t value_length, Fill&& fill) {
    if (value_length > 0xFFFF) return unexpected(WireError::kValueOutOfRange);
    if (out_.size() - used_ < kTlvHeaderSize + value_length) {
      return unexpected(WireError::kBufferTooSmall);
    }
    std::byte* header = out_.data() + used_;
    store_u16(header, static_cast<std::uint16_t>(type));
    store_u16(header + 2, static_cast<std::uint16_t>(value_length));
    ValueWriter writer(out_.subspan(used_ + kTlvHeaderSize, value_length));
    fill(writer);
    used_ += kTlvHeaderSize + value_length;
    return {};
  }

  // The TLVs written so far, ready to be a Message's tlvs.
  [[nodiscard]] std::span<const std::byte> written() const { return out_.first(used_); }
  [[nodiscard]] std::size_t size() const { return used_; }

 private:
  std::span<std::byte> out_;
  std::size_t used_ = 0;
};

}  // namespace ptp::wire
