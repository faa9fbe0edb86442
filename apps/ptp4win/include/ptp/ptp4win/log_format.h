// ptp4l's log lines, with our program name, so that tools reading ptp4l's output read ours:
//   ptp4win[12345.678]: port 1: LISTENING to UNCALIBRATED on RS_SLAVE
//   ptp4win[12345.678]: master offset        -23 s2 freq   +1234 path delay      5678
//   ptp4win[12345.678]: selected best master clock 001122.fffe.334455
//   ptp4win[12345.678]: rms   12 max   30 freq  -1234 +/-   5 delay   567 +/-   3
// The numbers are padded exactly as ptp4l's printf formats pad them. [time] is the monotonic
// clock in seconds with milliseconds; a message_tag goes before the message, as in ptp4l.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ptp/core/data_sets.h"
#include "ptp/core/port_io.h"
#include "ptp/hal/clock_readings.h"
#include "ptp/hal/hal_error.h"
#include "ptp/identity.h"
#include "ptp/nanoseconds.h"

namespace ptp::ptp4win {

// syslog's levels, which ptp4l's logging_level filters on.
enum class LogLevel : std::uint8_t {
  kError = 3,
  kWarning = 4,
  kNotice = 5,
  kInfo = 6,
  kDebug = 7,
};

// A counter reading as nanoseconds since the counter's zero: the [time] of the log lines (QPC).
Nanoseconds counter_time(hal::CounterTicks ticks, std::uint64_t frequency_hz);

// "ptp4win[12345.678]: " + (tag empty ? "" : tag + " ") + message.
std::string format_log_line(std::string_view program, Nanoseconds monotonic,
                            std::string_view message_tag, std::string_view message);

// "port 1: LISTENING to UNCALIBRATED on RS_SLAVE"
std::string format_state_change(std::uint16_t port_number, const StateChanged& change);

// "master offset %10d s%d freq %+7.0f path delay %9d"
std::string format_offset(const OffsetMeasured& measurement);

// "selected best master clock 001122.fffe.334455", or for our own identity
// "selected local clock 001122.fffe.334455 as best master".
std::string format_best_master(const ClockIdentity& best, const ClockIdentity& own);

// "port 1: a second peer answered a peer delay request (from 001122.fffe.334455-1); further ones
// are counted only", with ", 25000000 ns" after the source for an out-of-range link delay.
std::string format_peer_delay_rejected(std::uint16_t port_number,
                                       const PeerDelayInputRejected& rejected);

// "port 1: unicast master refused a request (peer 10.99.0.1, Sync); further ones are counted
// only": the first of a kind of unicast negotiation event with one peer (ptp4l words its few
// unicast warnings differently; this names the peer by address, as the table does).
std::string format_unicast_notice(std::uint16_t port_number, const UnicastNotice& notice);

// Ours (ptp4l has no equivalent line): the offset the driver now adds to the system clock (UTC),
// "port 1: UTC offset 37 s applied to the system clock (PTP timescale, currentUtcOffsetValid 1)"
// or "port 1: no UTC offset applied to the system clock (ARB timescale)".
std::string format_utc_offset(std::uint16_t port_number, Nanoseconds applied,
                              const TimePropertiesDataSet& time_properties);

// Ours (ptp4l has no equivalent line): a failed cross-timestamp capture of the NIC-to-counter
// correlation, "port 1: cross-timestamp capture failed (OS error, code 31): 4 so far; the
// correlation keeps its previous points". The caller thins these out (hal/sparse_report.h).
std::string format_cross_timestamp_failure(std::uint16_t port_number, const hal::HalError& error,
                                           std::uint64_t failures_so_far);

}  // namespace ptp::ptp4win
