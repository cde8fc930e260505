package run

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/eqsim/eqsim/internal/plotio"
	"github.com/eqsim/eqsim/internal/safeio"
)

// curves returns the two plots of a run: the losses and the error rates
// of the training and test sets against the epoch.
func curves(title string, rows []Metrics) ([]*plot.Plot, error) {
	series := func(f func(r Metrics) float64) plotter.XYs {
		xy := make(plotter.XYs, len(rows))
		for i, r := range rows {
			xy[i] = plotter.XY{X: float64(r.Epoch), Y: f(r)}
		}
		return xy
	}
	mk := func(ylabel string, train, test plotter.XYs) (*plot.Plot, error) {
		p := plot.New()
		p.X.Label.Text = "epoch"
		p.X.Tick.Marker = epochTicks{}
		p.X.Min, p.X.Max = float64(rows[0].Epoch), float64(max(rows[len(rows)-1].Epoch, rows[0].Epoch+1))
		p.Y.Label.Text = ylabel
		p.Y.Min = 0
		p.Add(plotter.NewGrid())
		p.Legend.Top = true
		p.Legend.XOffs = -vg.Points(12)
		for _, s := range []struct {
			name string
			xy   plotter.XYs
			c    color.Color
		}{{"train", train, plotio.Colors[0]}, {"test", test, plotio.Colors[1]}} {
			l, pts, err := plotter.NewLinePoints(s.xy)
			if err != nil {
				return nil, err
			}
			l.Color, pts.Color = s.c, s.c
			l.Width = vg.Points(1.5)
			pts.Shape = draw.CircleGlyph{}
			pts.Radius = vg.Points(2.5)
			p.Add(l, pts)
			p.Legend.Add(s.name, l, pts)
		}
		return p, nil
	}
	loss, err := mk("loss (V²)", series(func(r Metrics) float64 { return r.TrainLoss }), series(func(r Metrics) float64 { return r.TestLoss }))
	if err != nil {
		return nil, err
	}
	loss.Title.Text = title
	errs, err := mk("error (%)", series(func(r Metrics) float64 { return 100 * r.TrainError }), series(func(r Metrics) float64 { return 100 * r.TestError }))
	if err != nil {
		return nil, err
	}
	return []*plot.Plot{loss, errs}, nil
}

// epochTicks marks whole epochs, at most about ten of them labelled.
type epochTicks struct{}

func (epochTicks) Ticks(lo, hi float64) []plot.Tick {
	lo, hi = math.Ceil(lo), math.Floor(hi)
	step := 1.0
	for span := hi - lo; span/step >= 10; {
		switch m := step / math.Pow(10, math.Floor(math.Log10(step))); {
		case m < 2:
			step *= 2
		case m < 5:
			step = step / 2 * 5
		default:
			step *= 2
		}
	}
	var ticks []plot.Tick
	for x := math.Ceil(lo/step) * step; x <= hi; x += step {
		ticks = append(ticks, plot.Tick{Value: x, Label: strconv.FormatFloat(x, 'f', -1, 64)})
	}
	return ticks
}

// curvesOutputs returns curves.png and curves.svg: the curves of rows,
// one plot above the other; none if rows is empty.
func curvesOutputs(title string, rows []Metrics) ([]safeio.Output, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	plots, err := curves(title, rows)
	if err != nil {
		return nil, err
	}
	const w, h = 6 * vg.Inch, 7 * vg.Inch
	draw2 := func(c vg.CanvasSizer) {
		t := draw.Tiles{Rows: 2, Cols: 1, PadTop: vg.Points(4), PadBottom: vg.Points(4), PadX: vg.Points(4), PadY: vg.Points(12)}
		cs := plot.Align([][]*plot.Plot{{plots[0]}, {plots[1]}}, t, draw.New(c))
		plots[0].Draw(cs[0][0])
		plots[1].Draw(cs[1][0])
	}
	png, svg := plotio.Images(w, h, draw2)
	return []safeio.Output{{Name: CurvesPNG, Write: png}, {Name: CurvesSVG, Write: svg}}, nil
}
