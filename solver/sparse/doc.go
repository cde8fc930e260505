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
// and patterns, and is the step of a Newton iteration (LU.RefactorSymmetric
// does it for symmetric values with half the work, as the conductance
// matrix of a wired crossbar needs after every update); LU.SolveTo and
// LU.SolveTransTo solve with A and with Aᵀ (for adjoint gradients) any
// number of times, without allocating; LU.SolveManyTo and
// LU.SolveTransManyTo solve for many right-hand sides in one pass over
// the factors.
//
// Numerical failure is an error value: *SingularError from Factor (the
// column, and whether the structure alone is singular; also from a
// Refactor that follows a failed Factor and so factors anew), *PivotError from
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
// level structures (George, 1973; George and Liu, 1981), each level
// separator improved to a minimum vertex cut in a band of levels around it
// (a unit-capacity maximum flow, Dinic's algorithm), keeping the ordering
// whose factorization is predicted to cost fewer multiply-adds.
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
// Measured with go test ./solver/sparse -run NONE -bench . (one
// iteration for the cases of order 10⁵ and more, -benchtime 1x) on the
// project's 2-core AMD EPYC KVM guest, Go 1.26.8, while other jobs ran
// (load average 1.5 to 4 on 2 cores): the least wall time of four runs,
// which spread up to 2x. grid is the 5-point Laplacian of a square grid,
// mna a resistor grid with a voltage source per row of its left edge
// (zero diagonals) and controlled sources between random nodes, crossbar
// the conductance matrix of issue 13's wired 784×100 differential
// crossbar (313,600 internal nodes). Factor includes allocating the
// factors; Auto chose nested dissection (ND) or AMD.
//
//	case           order      Auto  nnz(L+U)  madds    Analyze  Factor  Refactor  Solve
//	grid1e4        10,000     ND    386,400   9.4e6    19 ms    23 ms   9.4 ms    0.42 ms
//	grid1e5        99,856     ND    5.17e6    2.86e8   0.20 s   0.36 s  0.24 s    8.7 ms
//	grid1e6        1,000,000  ND    6.63e7    9.80e9   2.9 s    16 s    6.8 s     117 ms
//	mna1e4         10,100     AMD   467,219   2.49e7   21 ms    32 ms   17 ms     0.42 ms
//	mna1e5         100,172    AMD   7.04e6    1.12e9   0.44 s   1.26 s  0.86 s    9.8 ms
//	crossbar       313,700    ND    1.79e7    1.09e9   0.54 s   1.55 s  0.99 s    33 ms
//
// SolveManyTo with 100 right-hand sides takes 0.22 s on grid1e5 (2.2 ms
// each, against 8.7 ms for SolveTo) and 0.94 s on the crossbar (9.4 ms
// each). For context, gonum's dense LU (mat.LU) of the 1,980×1,980 mna
// matrix takes 137 ms; Analyze with Factor take 3.0 ms and Refactor
// 1.1 ms. ngspice 39 takes 34 s (20 s of processor time) for the .op of
// a 100×100 resistor-diode grid, a circuit whose Jacobian has the
// structure of grid1e4.
//
// The orderings, by predicted multiply-adds (Symbolic.Predicted): on
// grids nested dissection halves AMD's work (grid1e5: 2.86e8 against
// 5.41e8; grid1e6: 9.8e9 against 1.8e10); on the crossbar AMD grows a
// wavefront across the strip (8.2e9) and nested dissection with
// minimum-cut separators takes 1.09e9 (2.5e9 with plain level
// separators); on mna1e5, whose controlled sources join distant nodes,
// nested dissection would take 1.8e10 and Auto keeps AMD (1.12e9).
//
// Where the time goes (pprof, Factor of the crossbar): 65% in the column
// update x(i) -= L(i,j)·x(j), 12% in the depth-first searches, 10%
// zeroing new memory for the factors, 8% choosing pivots. Refactor is the
// update alone, at 0.7 to 0.9 ns per multiply-add: about the cost of
// streaming one 8-byte entry of L from memory per multiply-add, which is
// what a left-looking update does (updating from four columns of a
// supernode at once was tried and gained 8%). The next step would be a
// supernodal or multifrontal kernel that reuses each block of L for many
// columns.
package sparse
