// The gradebook's arithmetic: pure functions of the items, the set-up, the
// grades and the overrides (decision 0014 gives the rules and their reasons).

#include <algorithm>
#include <cmath>
#include <set>

#include "core/json.h"
#include "gradebook/model.h"

namespace trivium::gradebook {

double round2(double x) {
  return std::round(x * 100.0) / 100.0;
}

LetterScale default_letter_scale() {
  return {{"A", 90}, {"B", 80}, {"C", 70}, {"D", 60}, {"F", 0}};
}

Result<void> check_letter_scale(const LetterScale& scale) {
  if (scale.empty() || scale.size() > 20)
    return invalid("letters", "count", "From 1 to 20 letters, the highest first.");
  Error e{ErrorKind::Invalid, "The request has invalid fields.", {}, 0};
  std::set<std::string> seen;
  for (size_t i = 0; i < scale.size(); ++i) {
    const std::string at = "letters/" + std::to_string(i);
    const LetterGrade& g = scale[i];
    const size_t len = json::utf8_length(g.letter);
    if (len < 1 || len > 8) e.fields.push_back({at + "/letter", "length", "A letter of 1 to 8 characters."});
    if (!seen.insert(g.letter).second) e.fields.push_back({at + "/letter", "duplicate", "Each letter once."});
    if (!(g.min_percent >= 0 && g.min_percent <= 100))
      e.fields.push_back({at + "/min_percent", "out_of_range", "A percent from 0 to 100."});
    else if (i > 0 && !(g.min_percent < scale[i - 1].min_percent))
      e.fields.push_back({at + "/min_percent", "not_decreasing", "Each threshold below the one before."});
  }
  if (scale.back().min_percent != 0)
    e.fields.push_back({"letters/" + std::to_string(scale.size() - 1) + "/min_percent", "last_not_zero",
                        "The lowest letter starts at 0, so that every grade has one."});
  if (!e.fields.empty()) return fail(std::move(e));
  return ok();
}

std::string letter_for(const LetterScale& scale, double percent) {
  const double shown = round2(percent);
  for (const LetterGrade& g : scale)
    if (shown >= g.min_percent) return g.letter;
  return scale.empty() ? std::string() : scale.back().letter;
}

namespace {

struct Bucket {
  CategoryResult result;
  int drop_lowest = 0;
  std::vector<size_t> members;  // indexes into the learner's items
};

// The weighted mean of the counted, undropped members; nullopt when their
// weights add up to nothing.
std::optional<double> category_mean(Bucket& b, std::vector<ItemResult>& items) {
  // Only items that can move the mean are candidates for dropping: counted
  // and of positive weight.
  std::vector<size_t> candidates;
  for (size_t i : b.members)
    if (items[i].counted && items[i].weight > 0) candidates.push_back(i);
  // Lowest percent first; of equal percents the heavier is dropped (every
  // other item is at least as high, so that is never worse for the
  // learner); the key makes the choice reproducible.
  std::sort(candidates.begin(), candidates.end(), [&items](size_t x, size_t y) {
    const double px = items[x].percent.value_or(0), py = items[y].percent.value_or(0);
    if (px != py) return px < py;
    if (items[x].weight != items[y].weight) return items[x].weight > items[y].weight;
    return items[x].key < items[y].key;
  });
  // Dropping never empties a category: at least one item stays.
  const size_t drop =
      candidates.empty() ? 0 : std::min(static_cast<size_t>(std::max(b.drop_lowest, 0)), candidates.size() - 1);
  for (size_t k = 0; k < drop; ++k) items[candidates[k]].dropped = true;
  double sum = 0, weights = 0;
  for (size_t k = drop; k < candidates.size(); ++k) {
    const ItemResult& it = items[candidates[k]];
    sum += it.weight * it.percent.value_or(0);
    weights += it.weight;
  }
  if (weights <= 0) return std::nullopt;
  return sum / weights;
}

}  // namespace

LearnerResult compute(const std::vector<Item>& items, const Setup& setup,
                      const std::map<std::string, ItemGrade>& grades,
                      const std::map<std::string, ActiveOverride>& overrides, const Context& context) {
  LearnerResult out;
  std::vector<Bucket> buckets;
  std::map<std::string, size_t> bucket_of;
  for (const Category& c : setup.categories) {
    bucket_of[c.id] = buckets.size();
    buckets.push_back(Bucket{CategoryResult{c.id, c.name, c.weight, std::nullopt}, c.drop_lowest, {}});
  }
  const size_t uncategorised = buckets.size();
  buckets.push_back(
      Bucket{CategoryResult{std::nullopt, "Uncategorised", setup.uncategorised_weight, std::nullopt}, 0, {}});

  for (const Item& item : items) {
    ItemResult r;
    r.key = item.key;
    size_t bucket = uncategorised;
    if (auto p = setup.placements.find(item.key); p != setup.placements.end()) {
      r.weight = p->second.weight;
      // A placement naming a category that no longer exists falls back to
      // uncategorised rather than losing the item.
      if (p->second.category_id) {
        if (auto b = bucket_of.find(*p->second.category_id); b != bucket_of.end()) {
          bucket = b->second;
          r.category_id = p->second.category_id;
        }
      }
    }
    if (auto g = grades.find(item.key); g != grades.end()) {
      r.pending = g->second.pending;
      r.hidden = g->second.hidden;
      r.feedback_link = g->second.feedback_link;
      if (g->second.grade && item.max_grade > 0)
        r.computed_percent = std::clamp(*g->second.grade / item.max_grade * 100.0, 0.0, 100.0);
    }
    r.percent = r.computed_percent;
    if (auto o = overrides.find(item.key); o != overrides.end()) {
      r.percent = o->second.percent;
      r.overridden = true;
    }
    if (r.percent) {
      r.grade = *r.percent * item.max_grade / 100.0;
      r.counted = true;
    } else if (context.run_ended) {
      r.counted = true;  // as 0; the item's percent stays unknown for display
    }
    buckets[bucket].members.push_back(out.items.size());
    out.items.push_back(std::move(r));
  }

  double sum = 0, weights = 0;
  for (Bucket& b : buckets) {
    b.result.percent = category_mean(b, out.items);
    if (b.result.percent && b.result.weight > 0) {
      sum += b.result.weight * *b.result.percent;
      weights += b.result.weight;
    }
    // The uncategorised bucket is shown only when it holds items.
    if (b.result.id || !b.members.empty()) out.categories.push_back(b.result);
  }
  if (weights > 0) out.course.computed_percent = round2(sum / weights);
  out.course.percent = out.course.computed_percent;
  if (auto o = overrides.find(std::string(kCourseKey)); o != overrides.end()) {
    out.course.percent = round2(o->second.percent);
    out.course.overridden = true;
  }
  if (out.course.percent) out.course.letter = letter_for(setup.letters, *out.course.percent);
  if (context.passing_percent)
    out.course.passed = out.course.percent && *out.course.percent >= *context.passing_percent;
  return out;
}

}  // namespace trivium::gradebook
