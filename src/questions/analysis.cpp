#include "questions/analysis.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace trivium::questions {

namespace {

double mean(const std::vector<double>& xs) {
  double sum = 0;
  for (double x : xs) sum += x;
  return sum / static_cast<double>(xs.size());
}

// Sum of squared deviations from the mean, in two passes (the one-pass
// formula loses digits when the values are large and close together).
double sum_squares(const std::vector<double>& xs) {
  const double m = mean(xs);
  double ss = 0;
  for (double x : xs) ss += (x - m) * (x - m);
  return ss;
}

// Sample variance; callers make sure there are at least two values.
double sample_variance(const std::vector<double>& xs) {
  return sum_squares(xs) / static_cast<double>(xs.size() - 1);
}

// Pearson's r; absent when either list has no variance.
std::optional<double> correlation(const std::vector<double>& xs, const std::vector<double>& ys) {
  if (xs.size() < 2) return std::nullopt;
  const double mx = mean(xs), my = mean(ys);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) * (xs[i] - mx);
    syy += (ys[i] - my) * (ys[i] - my);
  }
  // Exact zero only: a float sum of squares of equal values is exactly 0,
  // and any real spread, however small, gives a defined correlation.
  if (sxx == 0 || syy == 0) return std::nullopt;
  return sxy / std::sqrt(sxx * syy);
}

Result<void> check(const AnalysisInput& in) {
  std::vector<FieldError> errors;
  for (size_t j = 0; j < in.item_marks.size(); ++j)
    if (!std::isfinite(in.item_marks[j]) || in.item_marks[j] <= 0)
      errors.push_back({"item_marks/" + std::to_string(j), "out_of_range", "must be a number greater than 0"});
  for (size_t i = 0; i < in.attempts.size(); ++i) {
    const auto& a = in.attempts[i];
    const std::string at = "attempts/" + std::to_string(i);
    if (!std::isfinite(a.total)) errors.push_back({at + "/total", "not_finite", "must be a finite number"});
    if (a.fractions.size() != in.item_marks.size()) {
      errors.push_back({at + "/fractions", "wrong_length", "must have one entry per item"});
      continue;
    }
    for (size_t j = 0; j < a.fractions.size(); ++j) {
      const auto& f = a.fractions[j];
      if (f && !(std::isfinite(*f) && *f >= 0 && *f <= 1))
        errors.push_back({at + "/fractions/" + std::to_string(j), "out_of_range", "must be between 0 and 1"});
    }
  }
  if (errors.empty()) return ok();
  return fail(Error{ErrorKind::Invalid, "The scores cannot be analysed.", std::move(errors), 0});
}

ItemStatistics item_statistics(const AnalysisInput& in, size_t j) {
  std::vector<double> fractions, rest;
  for (const auto& a : in.attempts) {
    if (!a.fractions[j]) continue;
    fractions.push_back(*a.fractions[j]);
    rest.push_back(a.total - *a.fractions[j] * in.item_marks[j]);
  }
  ItemStatistics s;
  s.n = fractions.size();
  if (s.n >= 1) s.facility = mean(fractions);
  if (s.n >= 2) s.sd = std::sqrt(sample_variance(fractions));
  s.discrimination = correlation(fractions, rest);
  return s;
}

// Cronbach's alpha and KR-20 over the attempts that include every item.
void reliability(const AnalysisInput& in, TestStatistics& out) {
  const size_t k = in.item_marks.size();
  std::vector<std::vector<double>> scores(k), points(k);  // per item: in marks; as 0/1
  std::vector<double> totals, right_counts;
  bool dichotomous = true;
  for (const auto& a : in.attempts) {
    if (!std::all_of(a.fractions.begin(), a.fractions.end(), [](const auto& f) { return f.has_value(); })) continue;
    double total = 0, right = 0;
    for (size_t j = 0; j < k; ++j) {
      const double f = *a.fractions[j];
      dichotomous = dichotomous && (f == 0 || f == 1);
      scores[j].push_back(f * in.item_marks[j]);
      points[j].push_back(f);
      total += f * in.item_marks[j];
      right += f;
    }
    totals.push_back(total);
    right_counts.push_back(right);
  }
  if (k < 2 || totals.size() < 2) return;
  const double factor = static_cast<double>(k) / static_cast<double>(k - 1);
  const double total_variance = sample_variance(totals);
  if (total_variance > 0) {
    double item_variances = 0;
    for (const auto& s : scores) item_variances += sample_variance(s);
    out.cronbach_alpha = factor * (1 - item_variances / total_variance);
  }
  if (!dichotomous) return;
  // KR-20 in its own terms: p q per item against the population variance of
  // the number right.
  const double n = static_cast<double>(right_counts.size());
  const double count_variance = sum_squares(right_counts) / n;
  if (count_variance <= 0) return;
  double pq = 0;
  for (const auto& p : points) {
    const double facility = mean(p);
    pq += facility * (1 - facility);
  }
  out.kr20 = factor * (1 - pq / count_variance);
}

}  // namespace

Result<TestStatistics> analyse(const AnalysisInput& input) {
  TRV_TRY(check(input));
  TestStatistics out;
  out.attempts = input.attempts.size();
  std::vector<double> totals;
  for (const auto& a : input.attempts) totals.push_back(a.total);
  if (!totals.empty()) out.mean = mean(totals);
  if (totals.size() >= 2) out.sd = std::sqrt(sample_variance(totals));
  for (size_t j = 0; j < input.item_marks.size(); ++j) out.items.push_back(item_statistics(input, j));
  reliability(input, out);
  return out;
}

std::vector<ResponseCount> response_frequencies(const std::vector<std::string>& responses) {
  std::map<std::string, size_t> counts;
  for (const auto& r : responses) ++counts[r];
  std::vector<ResponseCount> out;
  for (auto& [response, count] : counts) out.push_back({response, count});
  // The map gave byte order; a stable sort by count keeps it among ties.
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.count > b.count; });
  return out;
}

}  // namespace trivium::questions
