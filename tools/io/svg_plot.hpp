// io/svg_plot.hpp — log-log line plots as standalone SVG, for the stability sweep.
//
// Reference: Scalable Vector Graphics (SVG) 1.1 (Second Edition), W3C Recommendation,
// 16 August 2011.
//
// One plot: both axes log10, decade ticks labelled "1e-16", "1e0", ..., light decade
// grid lines, a title, axis labels, and a legend to the right of the plot area. Each
// series is a polyline with a marker at every point, in its own colour and marker
// shape. A point that cannot be drawn on log axes (NaN, ±Inf, zero or negative in
// either coordinate) is skipped and breaks the line, so a failed solve shows as a gap,
// not as a line to a made-up value. Guide lines y = coefficient * x^power (the
// eps*kappa and eps*kappa^2 error bounds) are dashed, straight on log axes, and
// labelled at their right-hand end. Lines and markers are clipped to the plot area (plus
// half a marker, so a marker on the frame shows whole).
//
// The output is a function of the input alone (fixed palette, fixed number formatting,
// no time stamps or random ids): the same plot gives the same bytes.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace stela::io {

struct PlotSeries {
  std::string name;
  std::vector<double> x;  // x[k], y[k] is point k; the shorter length counts
  std::vector<double> y;
};

// The dashed line y = coefficient * x^power over the whole x range.
struct PlotGuide {
  std::string label;  // e.g. "eps * kappa"
  double coefficient = 1;
  double power = 1;
};

struct LogLogPlot {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<PlotSeries> series;
  std::vector<PlotGuide> guides;
  // Axis limits. Each one not given (or not positive and finite) comes from the data:
  // whole decades around the drawable points of the series. Limits that leave no range
  // are ignored. Guides never widen the range.
  std::optional<double> x_min, x_max, y_min, y_max;
  // Size of the plot area in pixels; the title, axes and legend come on top.
  double width = 560;
  double height = 400;
};

// The plot as a standalone SVG 1.1 document.
std::string render_svg(const LogLogPlot& plot);

}  // namespace stela::io
