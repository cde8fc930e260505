package dynamics

import (
	"fmt"
	"math"
	"strings"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver"
)

// Methods of Settings.Method.
const (
	// Equilibrium solves every phase for its DC operating point.
	Equilibrium = "equilibrium"
	// Transient integrates every phase's ODE from the state the last
	// phase left.
	Transient = "transient"
)

// Methods lists the methods in a fixed order.
var Methods = []string{Equilibrium, Transient}

// Settings say how phases run in time. The zero value is the equilibrium
// method without a window: every phase is a DC solve, read exactly at its
// end, with no time and no energy.
type Settings struct {
	// Method is Equilibrium or Transient ["": Equilibrium].
	Method string
	// FreeTime and NudgeTime are the durations in seconds of the free
	// phase and of every driven phase (nudged, clamped or coupled); zero
	// runs the phase until it settles. Transient only [0].
	FreeTime, NudgeTime float64
	// Window is the integration time in seconds: every measured voltage
	// is its mean over this window after its phase [0: the voltage at
	// the phase's end].
	Window float64
}

// IsTransient reports whether phases are integrated in time.
func (s Settings) IsTransient() bool { return s.Method == Transient }

// Validate returns an error naming the first setting out of range, with
// the keys of the netlist's [training.dynamics] table.
func (s Settings) Validate() error {
	bad := func(v float64) bool { return !(v >= 0) || math.IsInf(v, 1) }
	switch {
	case s.Method != "" && s.Method != Equilibrium && s.Method != Transient:
		return fmt.Errorf("dynamics: method = %q: want %s", s.Method, strings.Join(Methods, " or "))
	case bad(s.FreeTime):
		return fmt.Errorf("dynamics: free_time = %g s: must be finite and not negative", s.FreeTime)
	case bad(s.NudgeTime):
		return fmt.Errorf("dynamics: nudge_time = %g s: must be finite and not negative", s.NudgeTime)
	case !s.IsTransient() && (s.FreeTime != 0 || s.NudgeTime != 0):
		return fmt.Errorf("dynamics: free_time and nudge_time need method = %q", Transient)
	case bad(s.Window):
		return fmt.Errorf("sense: integration_time = %g s: must be finite and not negative", s.Window)
	}
	return nil
}

// Outcome is what a phase cost on the chip.
type Outcome struct {
	// Time is the phase's chip time in seconds: its duration (its
	// settling time, if it ran until settled) plus the window.
	Time float64
	// Energy is the energy in joules the sources and amplifiers
	// delivered meanwhile.
	Energy float64
	// Settled reports whether the phase reached its equilibrium (always
	// for the equilibrium method).
	Settled bool
	// Steps counts the accepted time steps of a transient phase and its
	// window.
	Steps int
}

// Runner runs the phases of one compiled system with its DC solver and
// measures them. It is not safe for concurrent use.
type Runner struct {
	sys *mna.System
	dc  *solver.DC
	set Settings

	meas []float64 // measured node voltages, by node index
	// The window's trapezoidal mean of a transient's unknowns.
	sum, prev []float64
	tprev     float64
	free      []int // per free unknown, its node index

	noise *mna.Noise     // nil until AddNoiseTo runs
	dense *denseResponse // nil until a response off the layered path
	stale bool           // conductances changed since noise was gathered
	cur   []float64
	dv    []float64
	z     []float64
}

// NewRunner returns a Runner of sys, solved by dc, with the settings set,
// which must be valid.
func NewRunner(sys *mna.System, dc *solver.DC, set Settings) *Runner {
	if err := set.Validate(); err != nil {
		panic(err)
	}
	r := &Runner{sys: sys, dc: dc, set: set, meas: make([]float64, len(sys.Nodes())+1)}
	n := sys.Size()
	r.sum, r.prev = make([]float64, n), make([]float64, n)
	for u := range sys.NumFree() {
		i, _ := sys.NodeIndex(sys.UnknownName(u))
		r.free = append(r.free, i)
	}
	return r
}

// Settings returns the runner's settings.
func (r *Runner) Settings() Settings { return r.set }

// Run runs one phase of d seconds (Transient only; 0 runs until settled)
// from the state x0 (nil: every node at 0 V; it may be x itself) and
// writes the state at the end of the phase's window into x. With the
// equilibrium method, x0 is only Newton's starting point. adapt, if not
// nil, is passed to the transient as solver.TransientSettings.Adapt (a
// circuit that learns while it runs); the equilibrium method does not
// call it. Measured then returns what the phase measured. Run returns the
// solver's error if a phase cannot be solved.
func (r *Runner) Run(x, x0 []float64, d float64, adapt func(t float64, x []float64) bool) (Outcome, error) {
	w := r.set.Window
	if !r.set.IsTransient() {
		if _, err := r.dc.SolveTo(x, x0); err != nil {
			return Outcome{}, err
		}
		r.sys.VoltagesTo(r.meas, x)
		out := Outcome{Time: w, Settled: true}
		if w > 0 {
			out.Energy = r.sys.Power(x).Total() * w
		}
		return out, nil
	}
	// The measurement draws the noise of its window (AddNoiseTo): the
	// phase itself runs without.
	ts := &solver.TransientSettings{StopTime: d, Adapt: adapt, Noise: solver.NoiseOff}
	res, err := r.dc.TransientTo(x, x0, ts)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{Time: d, Energy: res.Energy.Total(), Settled: res.Status == solver.Converged, Steps: res.Steps}
	if d == 0 {
		out.Time = res.SettlingTime
	}
	switch {
	case w == 0:
		r.sys.VoltagesTo(r.meas, x)
	case out.Settled:
		// The state stays at the equilibrium through the window.
		r.sys.VoltagesTo(r.meas, x)
		out.Time += w
		out.Energy += res.Power.Total() * w
	default:
		// Cut short: the circuit moves on during the window.
		clear(r.sum)
		ts.StopTime, ts.Observe = w, r.observe
		res, err := r.dc.TransientTo(x, x, ts)
		if err != nil {
			return Outcome{}, err
		}
		for i := range r.sum {
			r.sum[i] /= w
		}
		r.sys.VoltagesTo(r.meas, r.sum)
		out.Time += w
		out.Energy += res.Energy.Total()
		out.Settled = res.Status == solver.Converged
		out.Steps += res.Steps
	}
	return out, nil
}

// observe adds the trapezoid of the step that ends at (t, x) to the
// window's integral.
func (r *Runner) observe(t float64, x []float64) {
	if t > 0 {
		h := (t - r.tprev) / 2
		for i, v := range x {
			r.sum[i] += h * (v + r.prev[i])
		}
	}
	copy(r.prev, x)
	r.tprev = t
}

// Measured returns the node voltages the last phase measured, in volts,
// by node index (len(sys.Nodes())+1, ground first): the window means, with
// the noise of AddNoise. The slice belongs to the Runner.
func (r *Runner) Measured() []float64 { return r.meas }

// Refresh tells the runner that conductances changed.
func (r *Runner) Refresh() { r.stale = true }
