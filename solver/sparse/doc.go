// Package sparse solves square sparse linear systems A·x = b and Aᵀ·x = b
// by LU factorization, in pure Go. It is written for Newton's method on
// the Jacobians of large circuits, where the structure of A is fixed and
// only its values change from one iteration to the next.
//
// # Use
//
// A Builder collects the structure: each (i, j) a circuit element stamps
// is declared once (duplicates share one entry) and Compile returns the
// Matrix, in compressed sparse column form, with the slot of every
// declaration in Matrix.Values. Stamping is then a zeroing of Values and
// an addition into slots: O(1) per entry, no maps.
//
// Analyze orders the columns once per structure. LU.Factor factors with
// partial pivoting; LU.Refactor factors new values with the same pivots
// and patterns, and is the step of a Newton iteration; LU.SolveTo and
// LU.SolveTransTo solve with A and with Aᵀ (for adjoint gradients) any
// number of times, without allocating.
//
// Numerical failure is an error value: *SingularError from Factor (the
// column, and whether the structure alone is singular), *PivotError from
// Refactor when a reused pivot became too small (call Factor), and
// *NotFiniteError for NaN or infinite input. A factorization that reports
// an error cannot be solved with; none produces NaN silently. Programmer
// misuse (mismatched dimensions, another structure, solving without a
// factorization) panics.
//
// # Algorithms
//
// Ordering. The default, Auto, orders the pattern of A+Aᵀ by approximate
// minimum degree (Amestoy, Davis and Duff, SIAM J. Matrix Anal. Appl.
// 17(4), 1996, the algorithm of SuiteSparse's AMD, written anew here) and,
// for matrices of order AutoND or more, also by nested dissection with
// level structures (George, 1973; George and Liu, 1981), keeping the
// ordering whose factorization is predicted to cost fewer multiply-adds.
// The prediction is exact for pivots on the diagonal: the column counts of
// the Cholesky factor of the permuted A+Aᵀ by the algorithm of Gilbert, Ng
// and Peyton (1994), in time nearly linear in nnz(A). Minimum degree suits
// circuits; nested dissection suits meshes and long strips such as wired
// crossbars, where minimum degree grows a wavefront across the strip.
//
// Factorization. Factor is the left-looking LU of Gilbert and Peierls
// (SIAM J. Sci. Stat. Comput. 9(5), 1988) as in KLU (Davis and Palamadai
// Natarajan, ACM TOMS 37(3), 2010) and CSparse's cs_lu: each column of L
// and U is a sparse triangular solve with the columns before it, whose
// nonzero pattern a depth-first search finds in time proportional to the
// arithmetic, with the symmetric pruning of Eisenstat and Liu. Pivoting is
// by threshold: the diagonal of the ordered matrix is the pivot if its
// magnitude is at least Options.PivotTol (default 1e-3) times the largest
// candidate, else the largest candidate is. MNA Jacobians are mostly
// diagonally dominant, so the pivots stay on the diagonal and the fill
// stays at the ordering's prediction. Refactor replays the pivot sequence
// with no search and checks each pivot by the same threshold test.
//
// Diagnostics. LU.ReciprocalPivotGrowth is KLU's rgrowth; LU.Cond
// estimates the 1-norm condition number (Hager's method as refined by
// Higham, LAPACK's xLACON).
//
// # Performance
//
// BENCHMARKS
package sparse
