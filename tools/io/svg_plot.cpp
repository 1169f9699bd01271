// io/svg_plot.cpp — the log-log SVG plot (see svg_plot.hpp; SVG 1.1).
//
// Coordinates: a value v on an axis from 10^lo to 10^hi sits at the fraction
// (log10 v - lo) / (hi - lo) of the axis, y growing upwards. All numbers in the output
// are printed with two decimals by std::to_chars, independent of the locale.
#include "io/svg_plot.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "io/parse_support.hpp"

namespace stela::io {
namespace {

// Okabe & Ito's colour-blind-safe palette, yellow last (weak on white), and seven
// marker shapes: 8 and 7 are coprime, so the first 56 series all differ in the pair.
constexpr const char* kColours[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                    "#e69f00", "#56b4e9", "#000000", "#f0e442"};
enum class Marker { circle, square, triangle_up, diamond, triangle_down, cross, plus };
constexpr Marker kMarkers[] = {Marker::circle,  Marker::square, Marker::triangle_up, Marker::diamond,
                               Marker::triangle_down, Marker::cross, Marker::plus};
constexpr const char* kGuideDashes[] = {"6 4", "2 3", "10 3 2 3"};

// Space around the plot area, in pixels.
constexpr double kLeft = 80, kTop = 40, kBottom = 60, kLegendGap = 20, kRightMargin = 16;
constexpr double kLegendRow = 18, kCharWidth = 7;  // 12px sans-serif, a generous average
constexpr int kMaxTicks = 10;                     // labelled decades per axis, at most
// The clip region reaches this far beyond the frame, so that a marker on the frame
// (an error of exactly 1e0 at the top decade, say) shows whole.
constexpr double kClipPad = 5;

std::string num(double v) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed, 2);
  return result.ec == std::errc() ? std::string(buffer, result.ptr) : std::string("0");
}

// Text content and attribute values: XML's five special characters escaped; control
// characters and bytes that are not UTF-8, which XML 1.0 forbids, become '?'.
std::string xml_escape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t length = detail::utf8_sequence_length(text, i);
      out += length == 0 ? std::string("?") : std::string(text.substr(i, length));
      i += length == 0 ? 1 : length;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    }
    ++i;
  }
  return out;
}

bool drawable(double v) { return std::isfinite(v) && v > 0; }

// An axis from 10^lo to 10^hi and its pixel span [start, start + length].
struct Axis {
  double lo = 0, hi = 1;
  double start = 0, length = 1;
  bool upwards = false;  // the y axis: larger values higher up, at smaller pixel y
  double pixel(double log_value) const {
    const double t = (log_value - lo) / (hi - lo);
    return upwards ? start + length - t * length : start + t * length;
  }
};

// lo, hi as log10 of the limits: each given limit that is usable, else whole decades
// around the data, at least one decade wide (10^0 .. 10^1 without data). Given limits
// that leave no range are ignored.
void choose_range(const std::vector<double>& logs, std::optional<double> min, std::optional<double> max, Axis& axis) {
  double lo = 0, hi = 1;
  if (!logs.empty()) {
    lo = std::floor(*std::min_element(logs.begin(), logs.end()));
    hi = std::ceil(*std::max_element(logs.begin(), logs.end()));
    if (hi <= lo) hi = lo + 1;
  }
  axis.lo = min && drawable(*min) ? std::log10(*min) : lo;
  axis.hi = max && drawable(*max) ? std::log10(*max) : hi;
  if (!(axis.lo < axis.hi)) {
    axis.lo = lo;
    axis.hi = hi;
  }
}

// The decades to tick: the multiples of a step of 1, 2, 5, 10, 20, 50, ... decades,
// the smallest that labels at most kMaxTicks of them.
std::vector<int> decades(const Axis& axis) {
  const int first = static_cast<int>(std::ceil(axis.lo - 1e-9)), last = static_cast<int>(std::floor(axis.hi + 1e-9));
  // Doubles span 632 decades, so the last step always fits.
  constexpr int kSteps[] = {1, 2, 5, 10, 20, 50, 100};
  int step = kSteps[0];
  for (int candidate : kSteps) {
    step = candidate;
    if ((last - first) / step + 1 <= kMaxTicks) break;
  }
  std::vector<int> out;
  for (int d = first; d <= last; ++d)
    if (d % step == 0) out.push_back(d);
  return out;
}

void append_marker(std::string& out, Marker marker, double x, double y) {
  const auto p = [](double px, double py) { return num(px) + "," + num(py); };
  switch (marker) {
    case Marker::circle: out += "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"3.5\"/>"; return;
    case Marker::square: out += "<path d=\"M" + p(x - 3, y - 3) + "H" + num(x + 3) + "V" + num(y + 3) + "H" + num(x - 3) + "Z\"/>"; return;
    case Marker::triangle_up: out += "<path d=\"M" + p(x, y - 4) + "L" + p(x + 4, y + 3) + "L" + p(x - 4, y + 3) + "Z\"/>"; return;
    case Marker::diamond: out += "<path d=\"M" + p(x, y - 4.5) + "L" + p(x + 4, y) + "L" + p(x, y + 4.5) + "L" + p(x - 4, y) + "Z\"/>"; return;
    case Marker::triangle_down: out += "<path d=\"M" + p(x, y + 4) + "L" + p(x + 4, y - 3) + "L" + p(x - 4, y - 3) + "Z\"/>"; return;
    case Marker::cross: out += "<path fill=\"none\" d=\"M" + p(x - 3.5, y - 3.5) + "L" + p(x + 3.5, y + 3.5) + "M" + p(x - 3.5, y + 3.5) + "L" + p(x + 3.5, y - 3.5) + "\"/>"; return;
    case Marker::plus: out += "<path fill=\"none\" d=\"M" + p(x - 4, y) + "L" + p(x + 4, y) + "M" + p(x, y - 4) + "L" + p(x, y + 4) + "\"/>"; return;
  }
}

void append_text(std::string& out, double x, double y, const char* anchor, std::string_view text, const char* extra = "") {
  out += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\"" + extra + ">" + xml_escape(text) + "</text>\n";
}

// Where everything goes: the axes with their ranges and pixel spans, the legend's left
// edge and the canvas.
struct Layout {
  Axis X, Y;
  double width = 0, height = 0;  // the plot area, from (kLeft, kTop)
  double legend_x = 0, canvas_w = 0, canvas_h = 0;
  bool has_data = false;  // some point of some series is drawable
};

// 1. Ranges from the drawable points; 2. the canvas: plot area, then the legend, as
// wide as its longest label.
Layout plan_layout(const LogLogPlot& plot) {
  std::vector<double> x_logs, y_logs;
  for (const PlotSeries& s : plot.series)
    for (std::size_t k = 0; k < std::min(s.x.size(), s.y.size()); ++k)
      if (drawable(s.x[k]) && drawable(s.y[k])) {
        x_logs.push_back(std::log10(s.x[k]));
        y_logs.push_back(std::log10(s.y[k]));
      }
  const auto usable = [](double size, double fallback) { return std::isfinite(size) && size > 0 ? size : fallback; };
  Layout L;
  L.width = usable(plot.width, 560);
  L.height = usable(plot.height, 400);
  L.X = Axis{0, 1, kLeft, L.width, false};
  L.Y = Axis{0, 1, kTop, L.height, true};
  choose_range(x_logs, plot.x_min, plot.x_max, L.X);
  choose_range(y_logs, plot.y_min, plot.y_max, L.Y);
  L.has_data = !x_logs.empty();

  std::size_t longest = 0;
  for (const PlotSeries& s : plot.series) longest = std::max(longest, s.name.size());
  for (const PlotGuide& g : plot.guides) longest = std::max(longest, g.label.size());
  L.legend_x = kLeft + L.width + kLegendGap;
  L.canvas_w = L.legend_x + 30 + kCharWidth * static_cast<double>(longest) + kRightMargin;
  const double legend_rows = static_cast<double>(plot.series.size() + plot.guides.size());
  L.canvas_h = std::max(kTop + L.height + kBottom, kTop + 10 + kLegendRow * legend_rows);
  return L;
}

// The <svg> element's opening, the clip region of the plot area, a white background.
void append_canvas(std::string& out, const Layout& L) {
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + num(L.canvas_w) + "\" height=\"" +
         num(L.canvas_h) + "\" viewBox=\"0 0 " + num(L.canvas_w) + " " + num(L.canvas_h) +
         "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  out += "<defs><clipPath id=\"plot-area\"><rect x=\"" + num(kLeft - kClipPad) + "\" y=\"" + num(kTop - kClipPad) +
         "\" width=\"" + num(L.width + 2 * kClipPad) + "\" height=\"" + num(L.height + 2 * kClipPad) +
         "\"/></clipPath></defs>\n";
  out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
}

// 3. Grid, ticks and tick labels at the decades; frame; title and axis labels.
void append_axes(std::string& out, const LogLogPlot& plot, const Layout& L) {
  const Axis &X = L.X, &Y = L.Y;
  const double width = L.width, height = L.height;
  out += "<g stroke=\"#e0e0e0\" stroke-width=\"1\">\n";
  for (int d : decades(X))
    out += "<line x1=\"" + num(X.pixel(d)) + "\" y1=\"" + num(kTop) + "\" x2=\"" + num(X.pixel(d)) + "\" y2=\"" + num(kTop + height) + "\"/>\n";
  for (int d : decades(Y))
    out += "<line x1=\"" + num(kLeft) + "\" y1=\"" + num(Y.pixel(d)) + "\" x2=\"" + num(kLeft + width) + "\" y2=\"" + num(Y.pixel(d)) + "\"/>\n";
  out += "</g>\n<g stroke=\"#000000\" stroke-width=\"1\">\n";
  for (int d : decades(X))
    out += "<line x1=\"" + num(X.pixel(d)) + "\" y1=\"" + num(kTop + height) + "\" x2=\"" + num(X.pixel(d)) + "\" y2=\"" + num(kTop + height + 5) + "\"/>\n";
  for (int d : decades(Y))
    out += "<line x1=\"" + num(kLeft - 5) + "\" y1=\"" + num(Y.pixel(d)) + "\" x2=\"" + num(kLeft) + "\" y2=\"" + num(Y.pixel(d)) + "\"/>\n";
  out += "</g>\n";
  for (int d : decades(X)) append_text(out, X.pixel(d), kTop + height + 19, "middle", "1e" + std::to_string(d));
  for (int d : decades(Y)) append_text(out, kLeft - 8, Y.pixel(d) + 4, "end", "1e" + std::to_string(d));
  out += "<rect x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" + num(width) + "\" height=\"" + num(height) +
         "\" fill=\"none\" stroke=\"#000000\"/>\n";
  append_text(out, kLeft + width / 2, 24, "middle", plot.title, " font-size=\"16\" font-weight=\"bold\"");
  append_text(out, kLeft + width / 2, kTop + height + 45, "middle", plot.x_label);
  out += "<text transform=\"translate(20," + num(kTop + height / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
         xml_escape(plot.y_label) + "</text>\n";
  if (!L.has_data) append_text(out, kLeft + width / 2, kTop + height / 2, "middle", "no data");
}

// 4a. The guide lines, each restricted to the plot area and labelled at its right end.
void append_guides(std::string& out, const LogLogPlot& plot, const Layout& L) {
  const Axis &X = L.X, &Y = L.Y;
  for (std::size_t g = 0; g < plot.guides.size(); ++g) {
    const PlotGuide& guide = plot.guides[g];
    if (!drawable(guide.coefficient) || !std::isfinite(guide.power)) continue;
    // log y = c + p log x, restricted to the x range and then to the y range.
    const double c = std::log10(guide.coefficient), p = guide.power;
    double a = X.lo, b = X.hi;
    if (p == 0) {
      if (c < Y.lo || c > Y.hi) continue;
    } else {
      const double t1 = (Y.lo - c) / p, t2 = (Y.hi - c) / p;
      a = std::max(a, std::min(t1, t2));
      b = std::min(b, std::max(t1, t2));
      if (!(a < b)) continue;
    }
    const double x1 = X.pixel(a), y1 = Y.pixel(c + p * a), x2 = X.pixel(b), y2 = Y.pixel(c + p * b);
    out += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) +
           "\" stroke=\"#555555\" stroke-width=\"1.2\" stroke-dasharray=\"" + kGuideDashes[g % 3] + "\"/>\n";
    // Label at the right-hand end, above the line, or below it when the end is at the top.
    const double label_y = y2 - 6 < kTop + 12 ? y2 + 16 : y2 - 6;
    append_text(out, x2 - 4, label_y, "end", guide.label, " fill=\"#555555\"");
  }
}

// 4b. One series: polylines through its runs of drawable points, and a marker at each.
void append_series(std::string& out, const PlotSeries& series, std::size_t s, const Layout& L) {
  const char* colour = kColours[s % 8];
  out += "<g stroke=\"" + std::string(colour) + "\" fill=\"" + colour + "\" stroke-width=\"1.5\">\n";
  std::string line, markers;
  auto flush = [&]() {
    // A run of one point has no line, only its marker.
    if (line.find(' ') != std::string::npos) out += "<polyline fill=\"none\" points=\"" + line + "\"/>\n";
    line.clear();
  };
  for (std::size_t k = 0; k < std::min(series.x.size(), series.y.size()); ++k) {
    const bool ok = drawable(series.x[k]) && drawable(series.y[k]);
    const double px = ok ? L.X.pixel(std::log10(series.x[k])) : 0, py = ok ? L.Y.pixel(std::log10(series.y[k])) : 0;
    if (!ok || !std::isfinite(px) || !std::isfinite(py)) {
      flush();  // a missing point breaks the line
      continue;
    }
    line += (line.empty() ? "" : " ") + num(px) + "," + num(py);
    append_marker(markers, kMarkers[s % 7], px, py);
    markers += '\n';
  }
  flush();
  out += markers + "</g>\n";
}

// 5. Legend: a sample of each series' line and marker, then each guide's dashes.
void append_legend(std::string& out, const LogLogPlot& plot, const Layout& L) {
  const double legend_x = L.legend_x;
  double row_y = kTop + 10;
  for (std::size_t s = 0; s < plot.series.size(); ++s, row_y += kLegendRow) {
    const char* colour = kColours[s % 8];
    out += "<g stroke=\"" + std::string(colour) + "\" fill=\"" + colour + "\" stroke-width=\"1.5\"><line x1=\"" +
           num(legend_x) + "\" y1=\"" + num(row_y) + "\" x2=\"" + num(legend_x + 24) + "\" y2=\"" + num(row_y) + "\"/>";
    append_marker(out, kMarkers[s % 7], legend_x + 12, row_y);
    out += "</g>\n";
    append_text(out, legend_x + 30, row_y + 4, "start", plot.series[s].name);
  }
  for (std::size_t g = 0; g < plot.guides.size(); ++g, row_y += kLegendRow) {
    out += "<line x1=\"" + num(legend_x) + "\" y1=\"" + num(row_y) + "\" x2=\"" + num(legend_x + 24) + "\" y2=\"" +
           num(row_y) + "\" stroke=\"#555555\" stroke-width=\"1.2\" stroke-dasharray=\"" + kGuideDashes[g % 3] + "\"/>\n";
    append_text(out, legend_x + 30, row_y + 4, "start", plot.guides[g].label);
  }
}

}  // namespace

std::string render_svg(const LogLogPlot& plot) {
  // 1-2. Ranges and canvas.
  const Layout layout = plan_layout(plot);
  std::string out;
  append_canvas(out, layout);
  // 3. Grid, ticks, frame, title and axis labels.
  append_axes(out, plot, layout);
  // 4. Inside the plot area, clipped to it: guides, then the series over them.
  out += "<g clip-path=\"url(#plot-area)\">\n";
  append_guides(out, plot, layout);
  for (std::size_t s = 0; s < plot.series.size(); ++s) append_series(out, plot.series[s], s, layout);
  out += "</g>\n";
  // 5. Legend.
  append_legend(out, plot, layout);
  out += "</svg>\n";
  return out;
}

}  // namespace stela::io
