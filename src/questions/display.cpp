// The order in which one attempt shows a question's choices.
//
// An attempt stores only its seed, so the order must come out the same on
// every later request, on every server, after every upgrade: the generator
// and the shuffle are spelled out here instead of taken from <random>,
// whose distributions differ between standard libraries.
//
//   generator  splitmix64 (Steele, Lea, Flood 2014): state += 0x9E3779B97F4A7C15,
//              then the output mix of the state (see next()).
//   below(n)   a uniform integer in [0, n): draw x until x >= (2^64 - n) mod n,
//              then x mod n (rejection, so no residue is favoured).
//   shuffle    Fisher-Yates from the back: for i = n-1 .. 1, swap
//              element i with element below(i + 1).
//   streams    the question's list uses the generator seeded with `seed`;
//              cloze part k (1-based) uses one seeded with
//              seed XOR (k * 0xD1B54A32D192ED03), so each part's order
//              depends only on the seed and its own number.
#include <algorithm>
#include <set>

#include "questions/question.h"

namespace trivium::questions {

namespace {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  uint64_t below(uint64_t n) {
    const uint64_t threshold = (0 - n) % n;
    for (;;) {
      const uint64_t x = next();
      if (x >= threshold) return x % n;
    }
  }

 private:
  uint64_t state_;
};

void shuffle(std::vector<std::string>& ids, SplitMix64& rng) {
  for (size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[rng.below(i)]);
}

std::vector<std::string> choice_order(const std::vector<Choice>& choices, bool shuffled, SplitMix64& rng) {
  std::vector<std::string> ids;
  for (const auto& c : choices) ids.push_back(c.id);
  if (shuffled) shuffle(ids, rng);
  return ids;
}

// Ordering items: shuffled always, and when there is more than one never
// in the right order, which would give the answer away. A draw that comes
// out right is followed by another from the author's order with the next
// numbers of the same generator; after 64 such draws (odds below 2^-64)
// the right order rotated by one is shown, so the function always ends.
std::vector<std::string> item_order(const std::vector<OrderItem>& items, SplitMix64& rng) {
  std::vector<std::string> right;
  for (const auto& i : items) right.push_back(i.id);
  if (right.size() < 2) return right;
  for (int draw = 0; draw < 64; ++draw) {
    std::vector<std::string> ids = right;
    shuffle(ids, rng);
    if (ids != right) return ids;
  }
  std::vector<std::string> ids = right;
  std::rotate(ids.begin(), ids.begin() + 1, ids.end());
  return ids;
}

// Matching: the answers offered, one per distinct answer text (the first
// pair's id stands for it), so two prompts sharing an answer do not show
// it twice; distractors' answers included.
std::vector<std::string> answer_order(const Matching& m, SplitMix64& rng) {
  std::vector<std::string> ids;
  std::set<std::string_view> texts;
  for (const auto& p : m.pairs)
    if (texts.insert(p.answer).second) ids.push_back(p.id);
  if (m.shuffle) shuffle(ids, rng);
  return ids;
}

}  // namespace

DisplayOrder display_order(const Question& q, uint64_t seed) {
  DisplayOrder out;
  SplitMix64 rng(seed);
  if (const auto* sc = std::get_if<SingleChoice>(&q.body)) {
    out.ids = choice_order(sc->choices, sc->shuffle, rng);
  } else if (const auto* mc = std::get_if<MultipleChoice>(&q.body)) {
    out.ids = choice_order(mc->choices, mc->shuffle, rng);
  } else if (const auto* m = std::get_if<Matching>(&q.body)) {
    out.ids = answer_order(*m, rng);
  } else if (const auto* o = std::get_if<Ordering>(&q.body)) {
    out.ids = item_order(o->items, rng);
  } else if (const auto* c = std::get_if<Cloze>(&q.body)) {
    for (size_t k = 1; k <= c->parts.size(); ++k) {
      SplitMix64 part_rng(seed ^ (static_cast<uint64_t>(k) * 0xD1B54A32D192ED03ULL));
      const auto& body = c->parts[k - 1].body;
      if (const auto* psc = std::get_if<SingleChoice>(&body))
        out.parts[static_cast<int>(k)] = choice_order(psc->choices, psc->shuffle, part_rng);
      else if (const auto* pmc = std::get_if<MultipleChoice>(&body))
        out.parts[static_cast<int>(k)] = choice_order(pmc->choices, pmc->shuffle, part_rng);
    }
  }
  return out;
}

}  // namespace trivium::questions
