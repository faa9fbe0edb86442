// ManualLoop: a stand-in for the application's event loop in tests. post() may be called from any
// thread; run_pending() runs the queued tasks on the calling (test) thread, so a test decides
// exactly when "the loop" turns.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <utility>

#include "ptp/win/loop_hooks.h"

namespace ptp::win::test {

class ManualLoop {
 public:
  PostToLoop hook() {
    return [this](std::function<void()> task) {
      const std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    };
  }
  // Runs what is queued now (not what those tasks post); returns how many ran.
  std::size_t run_pending() {
    std::deque<std::function<void()>> batch;
    {
      const std::lock_guard lock(mutex_);
      batch.swap(tasks_);
    }
    for (auto& task : batch) task();
    return batch.size();
  }
  std::size_t queued() {
    const std::lock_guard lock(mutex_);
    return tasks_.size();
  }

 private:
  std::mutex mutex_;
  std::deque<std::function<void()>> tasks_;
};

}  // namespace ptp::win::test
