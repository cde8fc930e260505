package sweep

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/eqsim/eqsim/internal/plotio"
)

// seriesColors are the colours of a plot's lines, in order.
var seriesColors = plotio.Colors

// maxSeries (the number of seriesColors) is the most lines a plot of one axis draws, one per
// combination of the other axes' values; beyond it the plot shows the mean
// over the other axes.
const maxSeries = 6

// axisScale maps an axis's values to plot positions: the values
// themselves when every one is a number, else their ordinal.
type axisScale struct {
	x      []float64
	labels []string
	num    bool
}

func scaleOf(a PlanAxis) axisScale {
	s := axisScale{num: true}
	for _, v := range a.Values {
		v = jsonValue(v)
		s.labels = append(s.labels, FormatValue(v))
		f, ok := NumericValue(v)
		if !ok {
			s.num = false
		}
		s.x = append(s.x, f)
	}
	if !s.num {
		for i := range s.x {
			s.x[i] = float64(i)
		}
	}
	return s
}

// pos returns the plot position of an axis value, or false.
func (s axisScale) pos(v any) (float64, bool) {
	lab := FormatValue(jsonValue(v))
	for i, l := range s.labels {
		if l == lab {
			return s.x[i], true
		}
	}
	return 0, false
}

// labelTicks puts one tick on each value of an axis, labelled as written.
type labelTicks struct {
	x      []float64
	labels []string
}

func (t labelTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for i, x := range t.x {
		if x >= lo && x <= hi {
			ts = append(ts, plot.Tick{Value: x, Label: t.labels[i]})
		}
	}
	return ts
}

// errPoints are points with symmetric error bars.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

func metricAxis(metric string) (label string, scale float64) {
	if strings.HasSuffix(metric, "_error") {
		return strings.ReplaceAll(metric, "_", " ") + " (%)", 100
	}
	if metric == Cosine {
		return "cosine of estimate and exact gradient", 1
	}
	return strings.ReplaceAll(metric, "_", " ") + " (" + metricUnit(metric) + ")", 1
}

// writePlots draws each metric of the plan against each axis (pts holds
// the points' statistics per metric), every axis on one page, a heatmap
// for a grid of two axes, and, for several metrics, one page of every
// metric (a row each) against every axis.
func writePlots(dir string, plan Plan, pts [][]*pointStats) error {
	var rows [][]*plot.Plot
	for i, metric := range plan.metrics() {
		ylabel, ys := metricAxis(metric)
		var all []*plot.Plot
		for k, a := range plan.Axes {
			p, err := axisPlot(plan, pts[i], k, ylabel, ys)
			if err != nil {
				return err
			}
			if p == nil {
				continue
			}
			if metricUnit(metric) != "V^2" && !strings.HasSuffix(metric, "_error") {
				logY(p, pts[i])
			}
			if err := plotio.Save(dir, metric+"-"+fileSafe(a.Name), p, 6*vg.Inch, 4*vg.Inch); err != nil {
				return err
			}
			all = append(all, p)
		}
		if len(all) > 1 {
			// Every axis on one page, two plots a row.
			for _, p := range all {
				p.Title.Text = ""
			}
			if err := saveTiles(dir, metric+"-axes", plan.Title, all, 2); err != nil {
				return err
			}
		}
		rows = append(rows, all)
		if plan.Mode == Grid && len(plan.Axes) == 2 {
			p, err := heatmap(plan, pts[i], ylabel, ys)
			if err != nil {
				return err
			}
			if p != nil {
				if err := plotio.Save(dir, metric+"-heatmap", p, 6*vg.Inch, 5*vg.Inch); err != nil {
					return err
				}
			}
		}
	}
	if len(rows) < 2 {
		return nil
	}
	cols := 0
	var tiles []*plot.Plot
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	for _, r := range rows {
		for j := range cols {
			var p *plot.Plot
			if j < len(r) {
				p = r[j]
				p.Title.Text = ""
			}
			tiles = append(tiles, p)
		}
	}
	return saveTiles(dir, "metrics-axes", plan.Title, tiles, cols)
}

// logY puts p's y axis on a log scale when every point of pts, less its
// error bar, is positive: energy and time span decades across a sweep.
func logY(p *plot.Plot, pts []*pointStats) {
	lo := math.Inf(1)
	for _, q := range pts {
		if q.n > 0 {
			lo = math.Min(lo, q.mean-q.std)
		}
	}
	if lo > 0 && !math.IsInf(lo, 1) {
		p.Y.Min = lo / 2
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: 1}
	}
}

func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

// series is one line of a plot against an axis: its legend and its points
// with their error bars.
type series struct {
	name string
	pts  errPoints
}

// axisSeries returns the lines of the metric against axis k of sc, scaled
// by ys, and the base point of mode "each" (nil in a grid). Each
// combination of the other axes' values is a line, unless there are more
// than maxSeries of them.
func axisSeries(plan Plan, pts []*pointStats, k int, sc axisScale, ys float64) (ss []*series, base *pointStats) {
	byName := map[string]*series{}
	var all []*pointStats
	for _, p := range pts {
		if p.n == 0 {
			continue
		}
		if plan.Mode == Each && allNil(p.params) {
			base = p
			continue
		}
		if p.params[k] == nil {
			continue
		}
		all = append(all, p)
	}
	add := func(name string, x, mean, std float64) {
		s, ok := byName[name]
		if !ok {
			s = &series{name: name}
			byName[name] = s
			ss = append(ss, s)
		}
		s.pts.XYs = append(s.pts.XYs, plotter.XY{X: x, Y: ys * mean})
		s.pts.YErrors = append(s.pts.YErrors, struct{ Low, High float64 }{ys * std, ys * std})
	}
	others := func(p *pointStats) string {
		var parts []string
		for j, v := range p.params {
			if j != k && v != nil {
				parts = append(parts, plan.Axes[j].Name+"="+FormatValue(jsonValue(v)))
			}
		}
		return strings.Join(parts, ", ")
	}
	groups := map[string]bool{}
	for _, p := range all {
		groups[others(p)] = true
	}
	if len(groups) <= maxSeries {
		for _, p := range all {
			x, _ := sc.pos(p.params[k])
			add(others(p), x, p.mean, p.std)
		}
		return ss, base
	}
	// Too many lines: the mean over the other axes, with the spread of all
	// their runs.
	vals := map[float64][]float64{}
	var xs []float64
	for _, p := range all {
		x, _ := sc.pos(p.params[k])
		if _, ok := vals[x]; !ok {
			xs = append(xs, x)
		}
		vals[x] = append(vals[x], p.values...)
	}
	for _, x := range xs {
		m, s := meanStd(vals[x])
		add("mean over the other axes", x, m, s)
	}
	return ss, base
}

// axisPlot draws the metric against axis k: mean over seeds, error bars
// one standard deviation. In mode "each" the base point is a dashed line;
// in a grid each combination of the other axes is a line of its own.
func axisPlot(plan Plan, pts []*pointStats, k int, ylabel string, ys float64) (*plot.Plot, error) {
	a := plan.Axes[k]
	sc := scaleOf(a)
	ss, base := axisSeries(plan, pts, k, sc, ys)
	if len(ss) == 0 {
		return nil, nil
	}
	p := plot.New()
	p.Title.Text = plan.Title
	p.X.Label.Text = axisLabel(a)
	p.Y.Label.Text = ylabel
	p.Y.Min = 0
	p.Add(plotter.NewGrid())
	p.X.Tick.Marker = labelTicks{sc.x, sc.labels}
	if a.Log && sc.num {
		p.X.Scale = plot.LogScale{}
	}
	// Bottom right: the metric starts at 0 and the lines stay above the
	// base, so the bottom of the plot is where they are not.
	p.Legend.Top = false
	for i, s := range ss {
		c := seriesColors[i%len(seriesColors)]
		l, glyphs, err := plotter.NewLinePoints(s.pts.XYs)
		if err != nil {
			return nil, err
		}
		l.Color, glyphs.Color = c, c
		l.Width = vg.Points(1.5)
		glyphs.Shape = draw.CircleGlyph{}
		eb, err := plotter.NewYErrorBars(s.pts)
		if err != nil {
			return nil, err
		}
		eb.Color = c
		p.Add(l, glyphs, eb)
		if s.name != "" {
			p.Legend.Add(s.name, l, glyphs)
		}
	}
	if base != nil {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range sc.x {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		l, err := plotter.NewLine(plotter.XYs{{X: lo, Y: ys * base.mean}, {X: hi, Y: ys * base.mean}})
		if err != nil {
			return nil, err
		}
		l.Color = color.Gray{Y: 0x60}
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("base point (%.3g ± %.2g)", ys*base.mean, ys*base.std), l)
	}
	return p, nil
}

func allNil(v []any) bool {
	for _, x := range v {
		if x != nil {
			return false
		}
	}
	return true
}

// grid is the mean metric over a grid of two axes, NaN where no run
// finished.
type grid struct {
	z    [][]float64 // [col][row]
	x, y []float64
}

func (g grid) Dims() (c, r int)   { return len(g.x), len(g.y) }
func (g grid) Z(c, r int) float64 { return g.z[c][r] }
func (g grid) X(c int) float64    { return g.x[c] }
func (g grid) Y(r int) float64    { return g.y[r] }

// heatmap draws the mean metric over the two axes of a grid, each cell
// labelled with its value.
func heatmap(plan Plan, pts []*pointStats, zlabel string, zs float64) (*plot.Plot, error) {
	ax, ay := plan.Axes[0], plan.Axes[1]
	nx, ny := len(ax.Values), len(ay.Values)
	g := grid{z: make([][]float64, nx), x: make([]float64, nx), y: make([]float64, ny)}
	for i := range g.x {
		g.x[i] = float64(i)
		g.z[i] = make([]float64, ny)
		for j := range g.z[i] {
			g.z[i][j] = math.NaN()
		}
	}
	for j := range g.y {
		g.y[j] = float64(j)
	}
	idx := func(a PlanAxis, v any) int {
		lab := FormatValue(jsonValue(v))
		for i, w := range a.Values {
			if FormatValue(jsonValue(w)) == lab {
				return i
			}
		}
		return -1
	}
	var labels plotter.XYLabels
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		if p.n == 0 {
			continue
		}
		i, j := idx(ax, p.params[0]), idx(ay, p.params[1])
		if i < 0 || j < 0 {
			continue
		}
		z := zs * p.mean
		g.z[i][j] = z
		lo, hi = math.Min(lo, z), math.Max(hi, z)
		labels.XYs = append(labels.XYs, plotter.XY{X: float64(i), Y: float64(j)})
		labels.Labels = append(labels.Labels, fmt.Sprintf("%.3g", z))
	}
	if len(labels.XYs) == 0 {
		return nil, nil
	}
	if hi == lo {
		hi = lo + 1
	}
	cm := moreland.SmoothBlueRed()
	cm.SetMin(lo)
	cm.SetMax(hi)
	h := plotter.NewHeatMap(g, cm.Palette(255))
	h.Min, h.Max = lo, hi
	h.NaN = color.Gray{Y: 0xdd}
	p := plot.New()
	p.Title.Text = zlabel
	if plan.Title != "" {
		p.Title.Text = plan.Title + ": " + zlabel
	}
	p.X.Label.Text = axisLabel(ax)
	p.Y.Label.Text = axisLabel(ay)
	p.X.Tick.Marker = labelTicks{g.x, scaleOf(ax).labels}
	p.Y.Tick.Marker = labelTicks{g.y, scaleOf(ay).labels}
	p.Add(h)
	l, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].XAlign = draw.XCenter
		l.TextStyle[i].YAlign = draw.YCenter
	}
	p.Add(l)
	return p, nil
}

// saveTiles writes plots side by side, cols a row (nil leaves a tile
// empty), under a title, as name.png and name.svg in dir.
func saveTiles(dir, name, title string, plots []*plot.Plot, cols int) error {
	rows := (len(plots) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, cols)
		for j := range cols {
			if k := i*cols + j; k < len(plots) {
				grid[i][j] = plots[k]
			}
		}
	}
	w, h := vg.Length(max(cols, 2))*5.5*vg.Inch, vg.Length(rows)*3.6*vg.Inch+0.4*vg.Inch
	paint := func(c vg.CanvasSizer) {
		dc := draw.New(c)
		if title != "" {
			top := dc
			top.Min.Y = dc.Max.Y - 0.4*vg.Inch
			sty := draw.TextStyle{Color: color.Black, Font: plot.DefaultFont, XAlign: draw.XCenter, YAlign: draw.YCenter, Handler: plot.DefaultTextHandler}
			sty.Font.Size = vg.Points(14)
			top.FillText(sty, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: dc.Max.Y - 0.2*vg.Inch}, title)
			dc.Max.Y -= 0.4 * vg.Inch
		}
		t := draw.Tiles{Rows: rows, Cols: cols, PadTop: vg.Points(6), PadBottom: vg.Points(6), PadX: vg.Points(16), PadY: vg.Points(16), PadLeft: vg.Points(6), PadRight: vg.Points(6)}
		cs := plot.Align(grid, t, dc)
		for i := range grid {
			for j, p := range grid[i] {
				if p != nil {
					p.Draw(cs[i][j])
				}
			}
		}
	}
	return plotio.WriteImages(dir, name, w, h, paint)
}
