package noise

import (
	"errors"
	"fmt"
	"math"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver"
	"github.com/eqsim/eqsim/solver/ode"

	"gonum.org/v1/gonum/mat"
)

// ErrTooManySteps is returned (wrapped) by Sample when the samples asked
// for need a Langevin transient of more than ode.DefaultLangevinMaxSteps
// steps.
var ErrTooManySteps = errors.New("noise: too many steps")

// Sampling configures Sample.
type Sampling struct {
	// Window is the window in seconds over which each sample averages
	// the voltages; zero means instantaneous samples.
	Window float64
	// Samples is the number of samples, at least 2.
	Samples int
	// Seed seeds the noise.
	Seed uint64
	// Step is the time step of the Langevin transient in seconds. Zero
	// means the default of Plan.
	Step float64
	// Dense integrates with solver.Transient even where the layered
	// transient applies, to check one against the other.
	Dense bool
}

// Schedule is how Sample takes its samples from one Langevin transient:
// steps of Step seconds, Burn of them first, then one sample at the end
// of every Every steps.
type Schedule struct {
	Step        float64
	Burn, Every int
}

// Steps returns the steps of the transient for k samples.
func (p Schedule) Steps(k int) int { return p.Burn + k*p.Every }

// Plan returns the schedule of Sample for a circuit whose time constants
// span slowest to fastest seconds. The burn-in is 5 slowest time
// constants: from the equilibrium, the covariance reaches all but e^-10 of
// its stationary value. A sample is taken at the end of every stretch D of
// 3 slowest time constants (instantaneous samples then correlate by e^-3
// at most) or of Window (window means, back to back). The step is the
// smaller of D/16 and sqrt(4*D*fastest/3): the midpoint rule's stationary
// statistics, and the variance of a window's mean, do not depend on the
// step (see ode.Langevin), but a mode of time constant tau decays by (1 -
// a/2)/(1 + a/2) per step, a = h/tau, which for fast modes at long steps
// is close to -1, about -(1 - 4/a); at this step the fastest too decay by
// e^-3 within a stretch, so samples stay independent. (For instantaneous
// samples the step is twice the geometric mean of the time constants.) A
// given Step is used as it is, rounded so that a stretch is a whole
// number of steps.
func (s Sampling) Plan(slowest, fastest float64) Schedule {
	stretch := s.Window
	if stretch == 0 {
		stretch = 3 * slowest
	}
	h := s.Step
	if h == 0 {
		h = math.Min(stretch/16, math.Sqrt(4*stretch*fastest/3))
	}
	every := max(1, int(math.Ceil(stretch/h-1e-9)))
	h = stretch / float64(every)
	return Schedule{Step: h, Burn: int(math.Ceil(5 * slowest / h)), Every: every}
}

// Sample draws s.Samples samples of the free node voltages (rows: samples,
// columns: free nodes in x order) under thermal noise from one seeded
// Langevin transient of sys (solver.AutoTransient with the noise on)
// started at the equilibrium x, as Plan schedules it for the circuit's time
// constants: instantaneous voltages, or their trapezoidal means over
// windows of s.Window seconds. It returns the schedule too. It returns an
// error if the transient fails or would take more than
// ode.DefaultLangevinMaxSteps steps, and panics if s.Samples < 2 or
// s.Window is negative.
func Sample(sys *mna.System, x []float64, slowest, fastest float64, s Sampling) (*mat.Dense, Schedule, error) {
	if s.Samples < 2 || !(s.Window >= 0) {
		panic(fmt.Sprintf("noise: Sample with %d samples, window %v s", s.Samples, s.Window))
	}
	p := s.Plan(slowest, fastest)
	total := p.Steps(s.Samples)
	if total > ode.DefaultLangevinMaxSteps {
		return nil, p, fmt.Errorf("%w: %d samples need a Langevin transient of %d steps of %.3g s, more than %d: take fewer samples, a shorter window or a longer step",
			ErrTooManySteps, s.Samples, total, p.Step, ode.DefaultLangevinMaxSteps)
	}
	nf := sys.NumFree()
	out := mat.NewDense(s.Samples, nf, nil)
	prev, sum := make([]float64, nf), make([]float64, nf)
	step := -1
	obs := func(_ float64, x []float64) {
		step++
		if step > p.Burn {
			for i := range nf {
				sum[i] += (prev[i] + x[i]) / 2
			}
			if k := step - p.Burn; k%p.Every == 0 {
				row := out.RawRowView(k/p.Every - 1)
				for i := range nf {
					row[i] = x[i]
					if s.Window > 0 {
						row[i] = sum[i] / float64(p.Every)
					}
				}
				clear(sum)
			}
		}
		copy(prev, x[:nf])
	}
	set := &solver.TransientSettings{Noise: solver.NoiseOn, Seed: s.Seed, NoiseStep: p.Step,
		StopTime: float64(total) * p.Step, Observe: obs}
	run := solver.AutoTransient
	if s.Dense {
		run = solver.Transient
	}
	if _, err := run(sys, x, set); err != nil {
		return nil, p, fmt.Errorf("noise: Langevin transient: %w", err)
	}
	if step != total {
		return nil, p, fmt.Errorf("noise: the Langevin transient took %d steps, not %d", step, total)
	}
	return out, p, nil
}
