package noise

import (
	"errors"
	"fmt"
	"math"

	"github.com/eqsim/eqsim/circuit/mna"

	"gonum.org/v1/gonum/mat"
)

// Model is the linearised thermal noise of a circuit at a state (see the
// package documentation): the reduced linear Langevin equation dy/dt = A y +
// noise of covariance Q per unit time, and the map N from y to the free
// node voltages.
type Model struct {
	nf    int
	n     *mat.Dense    // nf × r: the node voltages of the reduced state
	a     *mat.Dense    // r × r, 1/s
	ainv  *mat.Dense    // A⁻¹, s
	q     *mat.SymDense // r × r, V²/s
	sigma *mat.SymDense // the stationary covariance of y, V²
	temp  float64
}

// Linearize returns the linearised thermal noise of sys at the state x,
// an equilibrium (the noise of the junctions is taken at their currents
// at x). It returns an error if the circuit has no dynamics at x that the
// model can take: a voltage-defining branch whose equation involves branch
// currents, branch equations that are not independent, a mode of the node
// voltages without capacitance (its noise would be white, of unbounded
// variance), or an unstable equilibrium.
func Linearize(sys *mna.System, x []float64) (*Model, error) {
	n, nf := sys.Size(), sys.NumFree()
	if nf == 0 {
		return nil, errors.New("noise: the circuit has no free node")
	}
	jac := mat.NewDense(n, n, nil)
	sys.Eval(make([]float64, n), jac, x, nil)
	capm := mat.NewDense(n, n, nil)
	sys.CapacitanceMatrixTo(capm)
	s := mat.NewSymDense(nf, nil)
	sys.NoiseTo(nil, x).MatrixTo(s)

	jnn := jac.Slice(0, nf, 0, nf)
	cnn := capm.Slice(0, nf, 0, nf)
	var nmap, lmap *mat.Dense // nil: the identity
	if nb := n - nf; nb > 0 {
		if mat.Norm(jac.Slice(nf, n, nf, n), 1) != 0 {
			return nil, errors.New("noise: a branch equation involves branch currents")
		}
		var err error
		if nmap, err = nullSpace(jac.Slice(nf, n, 0, nf).T()); err != nil {
			return nil, fmt.Errorf("noise: the branch equations: %w", err)
		}
		if lmap, err = nullSpace(jac.Slice(0, nf, nf, n)); err != nil {
			return nil, fmt.Errorf("noise: the branch currents: %w", err)
		}
	}
	// M = LᵀCN, Ar = LᵀJN, B = Lᵀ (S/2) L.
	project := func(m mat.Matrix) *mat.Dense {
		var d mat.Dense
		d.CloneFrom(m)
		if lmap != nil {
			var t, u mat.Dense
			t.Mul(lmap.T(), &d)
			u.Mul(&t, nmap)
			return &u
		}
		return &d
	}
	mm, ar := project(cnn), project(jnn)
	half := mat.NewDense(nf, nf, nil)
	half.Scale(0.5, s)
	b := half
	if lmap != nil {
		var t mat.Dense
		t.Mul(lmap.T(), half)
		b = &mat.Dense{}
		b.Mul(&t, lmap)
	}
	var lu mat.LU
	lu.Factorize(mm)
	if c := lu.Cond(); !(c < 1e14) {
		return nil, fmt.Errorf("noise: the capacitance matrix is singular on the circuit's dynamics (condition number %.3g): a mode of the node voltages has no capacitance", c)
	}
	r, _ := mm.Dims()
	a := mat.NewDense(r, r, nil)
	if err := lu.SolveTo(a, false, ar); err != nil {
		return nil, fmt.Errorf("noise: capacitance matrix: %w", err)
	}
	a.Scale(-1, a)
	// Q = M⁻¹ B M⁻ᵀ.
	var mb, q mat.Dense
	if err := lu.SolveTo(&mb, false, b); err != nil {
		return nil, err
	}
	if err := lu.SolveTo(&q, false, mb.T()); err != nil {
		return nil, err
	}
	m := &Model{nf: nf, n: nmap, a: a, q: symmetrize(&q), temp: sys.Temperature()}
	var err error
	if m.sigma, m.ainv, err = Lyapunov(a, m.q); err != nil {
		return nil, err
	}
	return m, nil
}

// nullSpace returns an orthonormal basis, as columns, of the vectors v
// with aᵀv = 0, for a of full column rank (len rows >= len columns).
func nullSpace(a mat.Matrix) (*mat.Dense, error) {
	r, c := a.Dims()
	if c >= r {
		return nil, errors.New("they fix every free node")
	}
	var qr mat.QR
	qr.Factorize(a)
	var rr mat.Dense
	qr.RTo(&rr)
	big := 0.0
	for i := range c {
		big = math.Max(big, math.Abs(rr.At(i, i)))
	}
	for i := range c {
		if !(math.Abs(rr.At(i, i)) > 1e-12*big) {
			return nil, errors.New("not independent")
		}
	}
	var q mat.Dense
	qr.QTo(&q)
	return mat.DenseCopyOf(q.Slice(0, r, c, r)), nil
}

// symmetrize returns (a + aᵀ)/2.
func symmetrize(a mat.Matrix) *mat.SymDense {
	n, _ := a.Dims()
	s := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (a.At(i, j)+a.At(j, i))/2)
		}
	}
	return s
}

// Temperature returns the circuit's temperature in kelvin.
func (m *Model) Temperature() float64 { return m.temp }

// toNodes returns N X Nᵀ, the covariance of the free node voltages for
// the covariance x of the reduced state.
func (m *Model) toNodes(dst *mat.SymDense, x mat.Symmetric) {
	if m.n == nil {
		dst.CopySym(x)
		return
	}
	var t, u mat.Dense
	t.Mul(m.n, x)
	u.Mul(&t, m.n.T())
	dst.CopySym(symmetrize(&u))
}

// CovarianceTo writes into dst (resized to NumFree×NumFree, free nodes in
// x order) the stationary covariance of the free node voltages in V².
// Pinned nodes, held by ideal sources, have none.
func (m *Model) CovarianceTo(dst *mat.SymDense) {
	reuseSym(dst, m.nf)
	m.toNodes(dst, m.sigma)
}

// WindowCovarianceTo writes into dst the covariance in V² of the means of
// the free node voltages over a window of tau seconds of the stationary
// noise; tau = 0 gives CovarianceTo's. It panics if tau is negative or
// not finite.
func (m *Model) WindowCovarianceTo(dst *mat.SymDense, tau float64) {
	if !(tau >= 0) || math.IsInf(tau, 1) {
		panic(fmt.Sprintf("noise: window %v s", tau))
	}
	if tau == 0 {
		m.CovarianceTo(dst)
		return
	}
	r, _ := m.a.Dims()
	k := mat.NewDense(r, r, nil)
	var at mat.Dense
	at.Scale(tau, m.a)
	if mat.Norm(&at, 1) < 1 {
		// K = tau * sum over j of (A tau)^j/(j+2)!, without the
		// cancellation of the closed form.
		term := mat.NewDense(r, r, nil)
		for i := range r {
			term.Set(i, i, 0.5)
		}
		for j := 0; j < 30; j++ {
			k.Add(k, term)
			term.Mul(term, &at)
			term.Scale(1/float64(j+3), term)
		}
		k.Scale(tau, k)
	} else {
		// K = A⁻¹(A⁻¹(e^(A tau) - I)/tau - I).
		var e mat.Dense
		e.Exp(&at)
		for i := range r {
			e.Set(i, i, e.At(i, i)-1)
		}
		var t mat.Dense
		t.Mul(m.ainv, &e)
		t.Scale(1/tau, &t)
		for i := range r {
			t.Set(i, i, t.At(i, i)-1)
		}
		k.Mul(m.ainv, &t)
	}
	var ks mat.Dense
	ks.Mul(k, m.sigma)
	cov := mat.NewSymDense(r, nil)
	for i := range r {
		for j := i; j < r; j++ {
			cov.SetSym(i, j, (ks.At(i, j)+ks.At(j, i))/tau)
		}
	}
	reuseSym(dst, m.nf)
	m.toNodes(dst, cov)
}

// ZeroFrequencyTo writes into dst the two-sided power spectral density
// matrix in V²/Hz of the free node voltages at zero frequency, J⁻¹(S/2)J⁻ᵀ
// on the allowed voltages: the covariance of the means over a window tau
// much longer than every time constant is dst/tau.
func (m *Model) ZeroFrequencyTo(dst *mat.SymDense) {
	var t, u mat.Dense
	t.Mul(m.ainv, m.q)
	u.Mul(&t, m.ainv.T())
	reuseSym(dst, m.nf)
	m.toNodes(dst, symmetrize(&u))
}

// TimeConstants returns the slowest and the fastest time constant of the
// linearised circuit in seconds: -1/Re(lambda) over the eigenvalues lambda
// of its dynamics.
func (m *Model) TimeConstants() (slowest, fastest float64) {
	var eig mat.Eigen
	if !eig.Factorize(m.a, mat.EigenNone) {
		// Bounds from the norms of A and its inverse.
		return mat.Norm(m.ainv, 2), 1 / mat.Norm(m.a, 2)
	}
	lo, hi := math.Inf(1), 0.0
	for _, l := range eig.Values(nil) {
		d := -real(l)
		lo, hi = math.Min(lo, d), math.Max(hi, d)
	}
	return 1 / lo, 1 / hi
}

// reuseSym makes dst an n×n matrix, reusing its memory.
func reuseSym(dst *mat.SymDense, n int) {
	if !dst.IsEmpty() && dst.SymmetricDim() != n {
		dst.Reset()
	}
	if dst.IsEmpty() {
		dst.ReuseAsSym(n)
	}
}
