// Counting of global heap allocations, for tests that assert a path allocates nothing. The count
// comes from replacing the global operator new, so a test executable links
// ptp_test_heap_allocation_counter (an object library) to use it, and every allocation in that
// executable is counted.
#pragma once

#include <cstdint>

namespace ptp::test {

// Allocations made through operator new / new[] since the program started.
std::uint64_t heap_allocations();

}  // namespace ptp::test
