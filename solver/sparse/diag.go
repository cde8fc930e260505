package sparse

import "math"

// ReciprocalPivotGrowth returns the reciprocal pivot growth of the
// factorization of a (the matrix last factorized): the least, over the
// columns j, of max|A(:,j)| / max|U(:,j)|, as KLU's rgrowth without
// scaling. Near 1 the elimination was stable; a value far below 1 (say
// 1e-8) means entries of U grew that much and the solution may have lost
// as many digits. It panics if the LU holds no valid factorization or a
// has another structure.
func (lu *LU) ReciprocalPivotGrowth(a *Matrix) float64 {
	lu.checkDiag(a)
	cp, ax := a.pat.colPtr, a.values
	r := 1.0
	for k, col := range lu.q[:lu.n] {
		amax := 0.0
		for _, v := range ax[cp[col]:cp[col+1]] {
			amax = max(amax, math.Abs(v))
		}
		umax := math.Abs(lu.udiag[k])
		for _, v := range lu.ux[lu.up[k]:lu.up[k+1]] {
			umax = max(umax, math.Abs(v))
		}
		r = min(r, amax/umax)
	}
	return r
}

// Cond returns an estimate of the condition number of a (the matrix last
// factorized) in the 1-norm, ‖A‖₁·‖A⁻¹‖₁, with ‖A⁻¹‖₁ estimated by Hager's
// method as refined by Higham (the estimator of LAPACK's xLACON). The
// estimate is a lower bound, usually within a factor of 3 of the true
// value; it costs a few solves and allocates three vectors. It panics if
// the LU holds no valid factorization or a has another structure.
func (lu *LU) Cond(a *Matrix) float64 {
	lu.checkDiag(a)
	n := lu.n
	if n == 0 {
		return 0
	}
	anorm := 0.0
	cp, ax := a.pat.colPtr, a.values
	for j := range n {
		s := 0.0
		for _, v := range ax[cp[j]:cp[j+1]] {
			s += math.Abs(v)
		}
		anorm = max(anorm, s)
	}
	x := make([]float64, n)
	y := make([]float64, n)
	z := make([]float64, n)
	for i := range x {
		x[i] = 1 / float64(n)
	}
	est := 0.0
	jlast := -1
	for iter := 0; iter < 5; iter++ {
		lu.SolveTo(y, x)
		ynorm := norm1(y)
		if iter > 0 && ynorm <= est {
			break
		}
		est = ynorm
		for i, v := range y {
			z[i] = math.Copysign(1, v)
		}
		lu.SolveTransTo(z, z)
		j, zmax := 0, -1.0
		for i, v := range z {
			if math.Abs(v) > zmax {
				j, zmax = i, math.Abs(v)
			}
		}
		ztx := 0.0
		for i, v := range z {
			ztx += v * x[i]
		}
		if iter > 0 && (zmax <= ztx || j == jlast) {
			break
		}
		clear(x)
		x[j] = 1
		jlast = j
	}
	// Higham's safeguard: a vector of alternating signs catches matrices
	// on which the iteration above stalls.
	for i := range x {
		x[i] = 1 + float64(i)/float64(max(n-1, 1))
		if i%2 == 1 {
			x[i] = -x[i]
		}
	}
	lu.SolveTo(y, x)
	est = max(est, 2*norm1(y)/(3*float64(n)))
	return anorm * est
}

func norm1(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += math.Abs(x)
	}
	return s
}

func (lu *LU) checkDiag(a *Matrix) {
	if !lu.ok {
		panic("sparse: no valid factorization")
	}
	if !a.sameStructure(lu.pat) {
		panic("sparse: matrix of another structure")
	}
}
