package noise

import (
	"fmt"
	"math"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver"

	"gonum.org/v1/gonum/mat"
)

// Report is the thermal noise of every node of a circuit at its
// equilibrium, as Analyze measures it.
type Report struct {
	// Temperature is the circuit's temperature in kelvin, Window the
	// averaging window in seconds (zero: instantaneous).
	Temperature, Window float64
	// Nodes holds every node but ground, in the system's order.
	Nodes []NodeNoise
	// Slowest and Fastest are the time constants of the linearised
	// circuit, seconds.
	Slowest, Fastest float64
	// Schedule is how the Langevin samples were taken.
	Schedule Schedule
	// Samples is the number of Langevin samples.
	Samples int
}

// NodeNoise is the noise of one node: its voltage at the equilibrium and
// the standard deviation of its voltage (or of its mean over the window)
// from the linearised model and from the Langevin samples, volts. Nodes
// held by ideal sources have none.
type NodeNoise struct {
	Name                         string
	Mean, StdLinear, StdLangevin float64
}

// Analyze finds the equilibrium of sys from 0 V (solver.Auto) and returns
// the standard deviation of every node voltage under thermal noise, or of
// its mean over s.Window seconds, from the linearised model (Linearize)
// and from s.Samples Langevin samples (Sample), whether or not the
// circuit's ThermalNoise is on. It returns the errors of the solvers and
// the model.
func Analyze(sys *mna.System, s Sampling) (*Report, error) {
	dc, err := solver.Auto(sys, nil)
	if err != nil {
		return nil, fmt.Errorf("noise: the equilibrium: %w", err)
	}
	m, err := Linearize(sys, dc.X)
	if err != nil {
		return nil, err
	}
	var cov mat.SymDense
	m.WindowCovarianceTo(&cov, s.Window)
	slow, fast := m.TimeConstants()
	samples, plan, err := Sample(sys, dc.X, slow, fast, s)
	if err != nil {
		return nil, err
	}
	var scov mat.SymDense
	sampleCovariance(&scov, samples)
	r := &Report{Temperature: m.Temperature(), Window: s.Window, Slowest: slow, Fastest: fast, Schedule: plan, Samples: s.Samples}
	v := sys.VoltagesTo(nil, dc.X)
	for i, name := range sys.Nodes() {
		nn := NodeNoise{Name: name, Mean: v[i+1]}
		if k := sys.Unknown(name); k >= 0 {
			nn.StdLinear = math.Sqrt(math.Max(0, cov.At(k, k)))
			nn.StdLangevin = math.Sqrt(scov.At(k, k))
		}
		r.Nodes = append(r.Nodes, nn)
	}
	return r, nil
}

// sampleCovariance writes the sample covariance of the rows of s into dst.
func sampleCovariance(dst *mat.SymDense, s *mat.Dense) {
	r, c := s.Dims()
	mean := make([]float64, c)
	for i := range r {
		for j, v := range s.RawRowView(i) {
			mean[j] += v / float64(r)
		}
	}
	reuseSym(dst, c)
	for a := range c {
		for b := a; b < c; b++ {
			var v float64
			for i := range r {
				row := s.RawRowView(i)
				v += (row[a] - mean[a]) * (row[b] - mean[b])
			}
			dst.SetSym(a, b, v/float64(r-1))
		}
	}
}
