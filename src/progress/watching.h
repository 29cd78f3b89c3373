// What a learner actually played of a video: the segments the player
// reports, merged, and how much of a report can be believed. Pure functions,
// shared by the service and its tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trivium::progress {

// [from, to) in seconds of the media.
struct Segment {
  double from = 0;
  double to = 0;
  bool operator==(const Segment&) const = default;
};

// Adds `s` to sorted, disjoint segments: overlapping or touching ones merge,
// so playing the same minute twice counts once. Empty segments add nothing.
void add_segment(std::vector<Segment>& watched, Segment s);

// Seconds covered within [0, duration].
double covered_seconds(const std::vector<Segment>& watched, double duration);

// A player reports what it played since its previous report. Playing at most
// twice the normal speed, it cannot have played more than twice the wall
// time since that report (plus a little for network delay); the first report
// on a block gets a fixed allowance. The rest of the segment is not
// credited: a client cannot claim a whole video in one report.
inline constexpr double kMaxPlaybackRate = 2.0;
inline constexpr double kReportSlackSeconds = 5.0;
inline constexpr double kFirstReportAllowanceSeconds = 30.0;
Segment credited_part(Segment reported, std::optional<int64_t> previous_report_ms, int64_t now_ms);

// [[from, to], ...] as stored.
std::string segments_json(const std::vector<Segment>& watched);
// Empty on anything unreadable (a stored value is always ours).
std::vector<Segment> segments_from_json(std::string_view json);

// The xAPI video profile's played-segments text: "0[.]12.5[,]20[.]30".
std::string played_segments_text(const std::vector<Segment>& watched);

}  // namespace trivium::progress
