// The board's HAL (board_hal.h): the MAC's timestamping control, its clock, the transport over
// its driver, and the hal::Host made of them. The alarm multiplexing is in board_timers.cpp.
#include "board_hal.h"

#include <cmath>

namespace board {

hal::InterfaceTimestampCapabilities mac_capabilities() {
  hal::TimestampCapabilities mac;
  mac.hardware.all_receive = true;
  mac.hardware.all_transmit = true;
  mac.hardware.tagged_transmit = true;
  mac.hardware_clock_frequency_hz = kMacClockHz;
  // Supported and active are the same: nothing on this board can switch timestamping off.
  return hal::InterfaceTimestampCapabilities{mac, mac};
}

ptp::Result<hal::InterfaceTimestampCapabilities, hal::HalError> BoardTimestamping::capabilities() {
  return mac_capabilities();
}

ptp::Result<hal::CrossTimestamp, hal::HalError> BoardTimestamping::capture_cross_timestamp() {
  return ptp::unexpected(hal::HalError{hal::HalErrorCode::kNotSupported});
}

ptp::Result<hal::SubscriptionId, hal::HalError> BoardTimestamping::subscribe(
    hal::CapabilityChangeListener& listener) {
  // Nothing ever changes, so the listener is never called and need not be kept.
  (void)listener;
  return hal::SubscriptionId{1};
}

void BoardTimestamping::unsubscribe(hal::SubscriptionId id) { (void)id; }

ptp::Result<void, hal::HalError> BoardPtpClock::adjust_frequency(hal::PartsPerBillion adjustment) {
  if (!std::isfinite(adjustment.value) || std::abs(adjustment.value) > kMaxAdjustment.value) {
    return ptp::unexpected(hal::HalError{hal::HalErrorCode::kInvalidArgument});
  }
  return mac_clock_.adjust_frequency(adjustment);
}

ptp::Result<ptp::Nanoseconds, hal::HalError> BoardPtpClock::step(ptp::Nanoseconds offset) {
  return mac_clock_.step(offset);
}

void BoardTransport::set_listener(hal::PacketListener* listener) {
  listener_ = listener;
  mac_.set_listener(listener != nullptr ? this : nullptr);
}

ptp::Result<std::optional<hal::TxTag>, hal::HalError> BoardTransport::send(
    hal::PtpUdpPort port, const hal::IpAddress& destination, std::span<const std::byte> payload,
    hal::TxTimestampRequest request) {
  // The driver queues the frame and, when asked, returns the tag its transmit timestamp will
  // carry; exactly one timestamp or one loss follows for every tag (the driver's promise).
  return mac_.send(port, destination, payload, request);
}

void BoardTransport::on_packet(const hal::ReceivedPacket& packet) {
  if (listener_ != nullptr) listener_->on_packet(packet);
}

void BoardTransport::on_tx_timestamp(hal::TxTag tag, const hal::PacketTimestamp& timestamp) {
  if (listener_ != nullptr) listener_->on_tx_timestamp(tag, timestamp);
}

void BoardTransport::on_tx_timestamp_lost(hal::TxTag tag, hal::TxTimestampLoss reason) {
  if (listener_ != nullptr) listener_->on_tx_timestamp_lost(tag, reason);
}

Board::Board(ptp::sim::SimHost& silicon)
    : silicon_(silicon),
      ptp_clock_(*silicon.hardware_clock()),
      timers_(silicon.timers(), silicon.counter()),
      transport_(silicon.transport(hal::AddressFamily::kIpv4)) {}

hal::Host Board::host() {
  return hal::Host{transport_,         timestamping_, &ptp_clock_, silicon_.system_clock(),
                   silicon_.counter(), timers_};
}

}  // namespace board
