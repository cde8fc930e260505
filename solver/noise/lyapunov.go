package noise

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Lyapunov solves A X + X Aᵀ + Q = 0 for the symmetric X, with A stable
// (every eigenvalue in the left half plane) and Q symmetric, and returns X
// and A⁻¹. It uses the matrix sign function iteration (Roberts 1971, with
// determinant scaling as in Byers 1987): A_{k+1} = (A_k/c + c A_k⁻¹)/2,
// Q_{k+1} = (Q_k/c + c A_k⁻¹ Q_k A_k⁻ᵀ)/2, c = |det A_k|^(1/n): every
// (A_k, Q_k) has the same solution X, and A_k tends to -I (the sign of a
// stable matrix), which leaves X = Q_k/2. It needs one inverse and two products per iteration,
// some ten iterations for the spread of time constants of circuits,
// dense: fine for a few thousand unknowns. It returns an error if A is
// singular or not stable, or the solution does not satisfy the equation
// to within 1e-8 of its terms.
func Lyapunov(a mat.Matrix, q mat.Symmetric) (x *mat.SymDense, ainv *mat.Dense, err error) {
	n, c := a.Dims()
	if n != c || q.SymmetricDim() != n {
		panic("noise: bad sizes for Lyapunov")
	}
	ak := mat.DenseCopyOf(a)
	qk := mat.DenseCopyOf(q)
	var inv, t mat.Dense
	for it := 0; it < 100; it++ {
		var lu mat.LU
		lu.Factorize(ak)
		logDet, sign := lu.LogDet()
		if sign == 0 || math.IsInf(logDet, -1) || !(lu.Cond() < 1e15) {
			return nil, nil, errors.New("noise: the linearised circuit is singular: some mode has no restoring conductance")
		}
		inv.Reset()
		if err := inv.Inverse(ak); err != nil && !errors.As(err, new(mat.Condition)) {
			return nil, nil, fmt.Errorf("noise: %w", err)
		}
		if it == 0 {
			ainv = mat.DenseCopyOf(&inv)
		}
		sc := math.Exp(logDet / float64(n)) // c
		// Q <- (Q/c + c A⁻¹ Q A⁻ᵀ)/2
		t.Reset()
		t.Mul(&inv, qk)
		var u mat.Dense
		u.Mul(&t, inv.T())
		u.Scale(0.5*sc, &u)
		qk.Scale(0.5/sc, qk)
		qk.Add(qk, &u)
		// A <- (A/c + c A⁻¹)/2
		var next mat.Dense
		next.Scale(0.5/sc, ak)
		inv.Scale(0.5*sc, &inv)
		next.Add(&next, &inv)
		ak = &next
		if distanceToMinusI(ak) < 1e-13 {
			break
		}
	}
	// A_k must be -I: the sign of a stable matrix.
	if !(distanceToMinusI(ak) < 1e-6) {
		return nil, nil, errors.New("noise: the linearised circuit is not stable at the equilibrium (a mode grows)")
	}
	x = symmetrize(qk)
	x.ScaleSym(0.5, x)
	// The residual, relative to the size of its terms.
	var ax, res mat.Dense
	ax.Mul(a, x)
	res.Add(&ax, ax.T())
	res.Add(&res, q)
	if r, s := mat.Norm(&res, 1), 2*mat.Norm(&ax, 1)+mat.Norm(q, 1); !(r <= 1e-8*s) {
		return nil, nil, fmt.Errorf("noise: the Lyapunov equation is solved only to %.3g of its terms", r/s)
	}
	return x, ainv, nil
}

// distanceToMinusI returns the largest |a + I| over the entries.
func distanceToMinusI(a *mat.Dense) float64 {
	n, _ := a.Dims()
	var d float64
	for i := range n {
		for j := range n {
			v := a.At(i, j)
			if i == j {
				v++
			}
			if a := math.Abs(v); a > d || a != a {
				d = a
			}
		}
	}
	return d
}
