// ScoreDifference: the running mean of a paired difference of two predictors' squared errors
// (one value per exchange, both predictors scored on the same measurement), with the spread and
// lag-one correlation of the values, so that a caller can ask whether the mean is beyond its own
// noise instead of comparing it with a fixed margin.
#pragma once

#include <limits>
#include <optional>

#include "ptp/servo/forgetting_moments.h"

namespace ptp::servo {

class ScoreDifference {
 public:
  // The mean weighs its first values equally, then forgets with weight 1 / `memory` (values);
  // by default it never forgets.
  ScoreDifference() = default;
  explicit ScoreDifference(double memory) : memory_(memory) {}

  // Inline: the envelope servo adds one value per candidate window at every sample.
  void add(double difference) {
    const double w = moments_.add(difference, memory_);
    // n values make n - 1 products: their average weighs them as ForgettingMoments weighs its
    // values, so that the correlation compares like with like (past the memory both weigh
    // 1 / memory, without a division per value).
    if (moments_.count > 1) {
      const int products = moments_.count - 1;
      const double lag_w = products >= memory_ ? w : forgetting_weight(products, memory_);
      mean_lag_product_ += lag_w * (difference * last_ - mean_lag_product_);
    }
    last_ = difference;
  }
  void clear();

  [[nodiscard]] int count() const { return moments_.count; }
  [[nodiscard]] double mean() const { return moments_.mean; }
  // The values' lag-one correlation as estimated from them (0 while they do not spread).
  [[nodiscard]] double lag_correlation() const;
  // Whether the mean exceeds `margin` by more than `z` of its standard errors. The standard
  // error counts the values as fewer independent ones where successive values are correlated
  // (a predictor's error runs in stretches), and the bound widens as Student's t does where the
  // spread is itself estimated from few values.
  [[nodiscard]] bool above(double margin, double z) const;
  // Whether the mean falls short of `margin` by more than `z` of the same standard errors.
  [[nodiscard]] bool below(double margin, double z) const;

 private:
  // `z` standard errors of the mean, widened as Student's t for the independent values they
  // rest on; none where the values are too few or do not spread.
  [[nodiscard]] std::optional<double> bound(double z) const;

  double memory_ = std::numeric_limits<double>::infinity();
  ForgettingMoments moments_;
  // The mean product of successive values, averaged with the same weights.
  double mean_lag_product_ = 0;
  double last_ = 0;
};

}  // namespace ptp::servo
