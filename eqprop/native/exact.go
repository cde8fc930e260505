package native

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/eqsim/eqsim/circuit/mna"
	"github.com/eqsim/eqsim/solver"
	"github.com/eqsim/eqsim/solver/jacobian"

	"github.com/eqsim/eqsim/eqprop"
)

// ExactGradient returns dL/dG in V^2/S for every block of n (flat,
// row-major) of the loss L = sum_k (V_out,k - y_k)^2 / 2 at the free
// equilibrium for features x. It uses the adjoint method, the circuit's
// recurrent backpropagation: at the equilibrium the residual F(x, G) of
// n.System() vanishes, so with J = dF/dx and the adjoint lambda solving
//
//	J^T lambda = dL/dx,
//
// the gradient is dL/dG = -lambda^T dF/dG. A conductance G between nodes a
// and b adds G*(V_a - V_b) to the current leaving a and takes it from b,
// so dL/dG = -(lambda_a - lambda_b)(V_a - V_b), with lambda zero at ground
// and pinned nodes. J is factorised by LU, dense or sparse by its size
// (solver/jacobian): a reference, not a training method.
//
// ExactGradient relaxes n's free phase on x from rest (see Network.Reset).
// It panics if the lengths of x
// or y are wrong, and returns an error if the relaxation fails, if an
// output is not a free node or if J is singular.
func ExactGradient(n *Network, x, y []float64) ([][]float64, error) {
	sys, xs, err := n.freeFromRest("ExactGradient", x, y)
	if err != nil {
		return nil, err
	}
	size := sys.Size()
	v := sys.VoltagesTo(nil, xs)
	dl := make([]float64, size)
	for k, name := range n.cfg.Outputs {
		u := sys.Unknown(name)
		if u < 0 {
			return nil, fmt.Errorf("eqprop: output node %q is pinned", name)
		}
		i, _ := sys.NodeIndex(name)
		dl[u] += v[i] - y[k]
	}
	// An ill-conditioned but regular J still gives a usable lambda; the
	// finite-difference check says how good.
	jac := jacobian.New(sys, jacobian.Auto, nil)
	jac.Eval(make([]float64, size), xs, nil, true)
	lambda := make([]float64, size)
	if !jac.Factor() || !jac.SolveTrans(lambda, dl) {
		return nil, fmt.Errorf("eqprop: adjoint solve: the Jacobian at the equilibrium is singular")
	}
	// Per node: the adjoint of its voltage, zero where the node is pinned.
	lam := make([]float64, len(v))
	for _, name := range sys.Nodes() {
		i, _ := sys.NodeIndex(name)
		if u := sys.Unknown(name); u >= 0 {
			lam[i] = lambda[u]
		}
	}
	grad := make([][]float64, len(n.blocks))
	for k, b := range n.blocks {
		g := make([]float64, b.Rows*b.Cols)
		a, bb := n.free.aIdx[k], n.free.bIdx[k]
		// The devices may sit on internal nodes (a crossbar's wires),
		// not between the periphery nodes the trainer measures.
		t := n.train[k]
		for i := range a {
			for j := range bb {
				an, bn := t.CellNodes(i, j)
				ai, _ := sys.NodeIndex(an)
				bj, _ := sys.NodeIndex(bn)
				g[i*b.Cols+j] = -(lam[ai] - lam[bj]) * (v[ai] - v[bj])
			}
		}
		grad[k] = g
	}
	return grad, nil
}

// Param names one conductance: entry Index (row-major) of block Block.
type Param struct{ Block, Index int }

// fdSettings are the solver tolerances of finite differences: far
// tighter than training's, so that the loss is smooth in G to near
// float64 precision.
var fdSettings = solver.Settings{VoltTol: 1e-12, CurrentTol: 1e-20, RelTol: 1e-11, NoSourceStepping: true}

// central4 is the fourth-order central difference of the first
// derivative, (f(-2h) - 8f(-h) + 8f(h) - f(2h)) / 12h. Its truncation error
// is O(h^4), so a step of 1e-3 of the conductance leaves it some 1e-12
// relative, below the rounding error of the loss.
var central4 = fd.Formula{
	Stencil:    []fd.Point{{Loc: -2, Coeff: 1.0 / 12}, {Loc: -1, Coeff: -8.0 / 12}, {Loc: 1, Coeff: 8.0 / 12}, {Loc: 2, Coeff: -1.0 / 12}},
	Derivative: 1,
	Step:       1e-3,
}

// FiniteDifferenceGradient returns, for each of params, the derivative of
// the loss L = sum_k (V_out,k - y_k)^2 / 2 at the free equilibrium for
// features x with respect to that conductance, by central differences
// (gonum's diff/fd with a fourth-order stencil and a step of 1e-3 of the
// conductance, or of the block's root-mean-square conductance if that is
// larger). Every evaluation re-solves the free phase with Newton's
// method on the dense Jacobian and tolerances far tighter than training's,
// starting from the unperturbed equilibrium. It is an independent check of
// ExactGradient and of the estimators, for small numbers of parameters.
//
// The conductances are restored before it returns. It panics if a Param is
// out of range and returns an error if a solve fails.
func FiniteDifferenceGradient(n *Network, x, y []float64, params []Param) ([]float64, error) {
	sys, xs, err := n.freeFromRest("FiniteDifferenceGradient", x, y)
	if err != nil {
		return nil, err
	}
	x0 := append([]float64(nil), xs...)
	sys.UpdatePins()
	out := make([]int, len(n.cfg.Outputs))
	for k, name := range n.cfg.Outputs {
		out[k], _ = sys.NodeIndex(name)
	}
	v := make([]float64, len(sys.Nodes())+1)
	var firstErr error
	loss := func() float64 {
		res, err := solver.Newton(sys, x0, &fdSettings)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return math.NaN()
		}
		sys.VoltagesTo(v, res.X)
		l := 0.0
		for k, i := range out {
			d := v[i] - y[k]
			l += d * d / 2
		}
		return l
	}
	// Steps scale with the conductance, but not below a thousandth of the
	// block's root-mean-square conductance: a conductance at GMin would
	// otherwise move the loss by less than its rounding error.
	rms := make([]float64, len(n.blocks))
	for k, b := range n.blocks {
		g := make([]float64, b.Rows*b.Cols)
		n.ConductancesTo(g, k)
		for _, v := range g {
			rms[k] += v * v / float64(len(g))
		}
		rms[k] = math.Sqrt(rms[k])
	}
	d := make([]float64, len(params))
	for p, prm := range params {
		g := n.conductance(prm)
		g0 := *g
		f := func(gi float64) float64 {
			*g = gi
			return loss()
		}
		step := central4.Step * math.Max(math.Abs(g0), rms[prm.Block])
		d[p] = fd.Derivative(f, g0, &fd.Settings{Formula: central4, Step: step})
		*g = g0
		if firstErr != nil {
			break
		}
	}
	n.refreshAll()
	if firstErr != nil {
		return nil, fmt.Errorf("eqprop: finite differences: %w", firstErr)
	}
	return d, nil
}

// conductance returns a pointer to the conductance p names.
func (n *Network) conductance(p Param) *float64 {
	if p.Block < 0 || p.Block >= len(n.blocks) {
		panic(fmt.Sprintf("eqprop: block %d out of range [0, %d)", p.Block, len(n.blocks)))
	}
	b := n.blocks[p.Block]
	if p.Index < 0 || p.Index >= b.Rows*b.Cols {
		panic(fmt.Sprintf("eqprop: index %d out of range [0, %d) of block %q", p.Index, b.Rows*b.Cols, b.Name))
	}
	return n.train[p.Block].Conductance(p.Index)
}

// refreshAll tells every replica's solvers that conductances changed.
func (n *Network) refreshAll() { n.version.Add(1) }

// freeFromRest relaxes n's free phase on x from rest (see Network.Reset)
// and returns its system and solution. It panics, naming the caller, if y
// does not hold a target per output.
func (n *Network) freeFromRest(caller string, x, y []float64) (*mna.System, []float64, error) {
	if len(y) != n.Outputs() {
		panic(fmt.Sprintf("eqprop: %s: %d targets, want %d", caller, len(y), n.Outputs()))
	}
	n.Reset()
	n.SetInput(x)
	if err := n.Relax(eqprop.Phase{Kind: eqprop.Free}); err != nil {
		return nil, nil, err
	}
	sys, xs := n.System()
	return sys, xs, nil
}
