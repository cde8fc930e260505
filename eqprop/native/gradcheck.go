package native

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/eqsim/eqsim/eqprop"
)

// EstimatorReport compares one estimator with the exact gradient.
type EstimatorReport struct {
	// Name is the estimator's name (see eqprop.Estimators).
	Name string `json:"name"`
	// Cosine is the cosine of the angle between the estimate and the
	// exact gradient over all parameters.
	Cosine float64 `json:"cosine"`
	// RelError is ||estimate - exact|| / ||exact||.
	RelError float64 `json:"rel_error"`
}

// GradCheckReport is the result of GradCheck.
type GradCheckReport struct {
	// ExactVsFD compares the exact gradient with finite differences on
	// Params parameters: RelError is ||exact - fd|| / ||fd|| over them.
	ExactVsFD struct {
		RelError float64 `json:"rel_error"`
		Params   int     `json:"params"`
	} `json:"exact_vs_fd"`
	// Estimators holds one report per estimator, in the order of
	// eqprop.Estimators: positive, negative, centered, chl, coupled.
	Estimators []EstimatorReport `json:"estimators"`
	// Samples is the number of samples the gradients are summed over and
	// Beta the nudge strength in siemens.
	Samples int     `json:"samples"`
	Beta    float64 `json:"beta"`
}

// GradCheck compares, on the first samples samples of set (gradients
// summed over them, targets from cfg.Readout), every estimator with the
// exact gradient of ExactGradient, and the exact gradient with
// FiniteDifferenceGradient on at most maxFD parameters: all of them if
// there are no more, else the maxFD/2 of largest exact magnitude and
// random others, drawn with cfg.Seed. cfg's zero fields mean the defaults.
//
// The estimators read their measurements through cfg.Sense, the noise of
// sample s drawn as the trainer draws that of sample s in epoch 0 (the
// same for every estimator); the exact and finite-difference gradients are
// the ideal references.
//
// CHL's estimate has no nudge strength to divide by and coupled learning's
// nudges by a voltage, not a current, so their RelError measures scale as
// much as direction; their Cosine is the meaningful figure.
//
// GradCheck returns an error if a relaxation or solve fails, or if set's
// features or classes do not fit n.
func GradCheck(n *Network, set *eqprop.Set, samples, maxFD int, cfg eqprop.Config) (GradCheckReport, error) {
	var rep GradCheckReport
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return rep, err
	}
	if set.Features != n.Features() {
		return rep, fmt.Errorf("eqprop: data set has %d features, the network %d inputs", set.Features, n.Features())
	}
	if c := cfg.Readout.Classes(n.Outputs()); set.Classes > c {
		return rep, fmt.Errorf("eqprop: data set has %d classes, the readout of %d outputs %d", set.Classes, n.Outputs(), c)
	}
	if samples <= 0 || samples > set.Len() {
		samples = set.Len()
	}
	rep.Samples, rep.Beta = samples, cfg.Beta
	blocks := n.Blocks()
	y := make([]float64, n.Outputs())
	exact := newGrads(blocks)
	for s := range samples {
		cfg.Readout.TargetTo(y, set.Labels[s])
		g, err := ExactGradient(n, set.Sample(s), y)
		if err != nil {
			return rep, fmt.Errorf("sample %d: exact gradient: %w", s, err)
		}
		for k := range g {
			for i, v := range g[k] {
				exact[k][i] += v
			}
		}
	}
	flatExact := flatten(exact)

	out := make([]float64, n.Outputs())
	for _, name := range eqprop.Estimators {
		est := newGrads(blocks)
		for s := range samples {
			cfg.Readout.TargetTo(y, set.Labels[s])
			if err := eqprop.SampleGradient(est, out, n, name, cfg, set.Sample(s), y, 0, s); err != nil {
				return rep, fmt.Errorf("sample %d: %s estimate: %w", s, name, err)
			}
		}
		cos, rel := compare(flatten(est), flatExact)
		rep.Estimators = append(rep.Estimators, EstimatorReport{Name: name, Cosine: cos, RelError: rel})
	}

	params := pickParams(blocks, exact, maxFD, cfg.Seed)
	fdSum := make([]float64, len(params))
	for s := range samples {
		cfg.Readout.TargetTo(y, set.Labels[s])
		d, err := FiniteDifferenceGradient(n, set.Sample(s), y, params)
		if err != nil {
			return rep, fmt.Errorf("sample %d: %w", s, err)
		}
		for i, v := range d {
			fdSum[i] += v
		}
	}
	sub := make([]float64, len(params))
	for i, p := range params {
		sub[i] = exact[p.Block][p.Index]
	}
	_, rep.ExactVsFD.RelError = compare(sub, fdSum)
	rep.ExactVsFD.Params = len(params)
	return rep, nil
}

// newGrads returns zeroed gradients shaped like blocks.
func newGrads(blocks []eqprop.Block) [][]float64 {
	g := make([][]float64, len(blocks))
	for k, b := range blocks {
		g[k] = make([]float64, b.Rows*b.Cols)
	}
	return g
}

func flatten(g [][]float64) []float64 {
	var f []float64
	for _, b := range g {
		f = append(f, b...)
	}
	return f
}

// compare returns the cosine between est and ref and ||est - ref||/||ref||.
func compare(est, ref []float64) (cos, rel float64) {
	var dot, ee, rr, dd float64
	for i, r := range ref {
		e := est[i]
		dot += e * r
		ee += e * e
		rr += r * r
		dd += (e - r) * (e - r)
	}
	// Rounding can take the cosine of parallel vectors just past 1.
	cos = math.Max(-1, math.Min(1, dot/math.Sqrt(ee*rr)))
	return cos, math.Sqrt(dd / rr)
}

// pickParams chooses at most max parameters: all of them if there are no
// more, else the max/2 with the largest |exact| and then random others.
func pickParams(blocks []eqprop.Block, exact [][]float64, max int, seed uint64) []Param {
	var all []Param
	for k, b := range blocks {
		for i := range b.Rows * b.Cols {
			all = append(all, Param{k, i})
		}
	}
	if max <= 0 {
		return nil
	}
	if len(all) <= max {
		return all
	}
	sorted := append([]Param(nil), all...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		return math.Abs(exact[a.Block][a.Index]) > math.Abs(exact[b.Block][b.Index])
	})
	chosen := map[Param]bool{}
	var ps []Param
	for _, p := range sorted[:max/2] {
		chosen[p] = true
		ps = append(ps, p)
	}
	rng := rand.New(rand.NewPCG(seed, 0x6664)) // "fd"
	for len(ps) < max {
		p := all[rng.IntN(len(all))]
		if !chosen[p] {
			chosen[p] = true
			ps = append(ps, p)
		}
	}
	return ps
}
