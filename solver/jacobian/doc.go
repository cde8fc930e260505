// Package jacobian holds the Jacobian of a compiled circuit (package
// circuit/mna) for Newton's method: stamped, factored by LU and solved,
// with the matrix itself (A·dx = -F) or its transpose (adjoints).
//
// Two forms do this. Dense stamps with System.Eval into a gonum matrix and
// factors it by gonum's LU: O(n²) memory and O(n³) time per
// factorization, fastest for small systems and for Jacobians with few
// zeros. Sparse stamps with System.EvalSparse into the slots of a sparse
// matrix (package solver/sparse) built once from System.JacobianPattern,
// orders and analyses the pattern once (Analyze: minimum degree or nested
// dissection), and then factors every new Jacobian by Refactor, with the
// pivots of the last full Factor, falling back to Factor when a reused
// pivot became too small. New chooses between them by the work each is
// predicted to take (see Auto).
//
// A Matrix may carry entries beyond what the circuit stamps: the diagonal
// of every unknown (for a shunt conductance such as Newton's gmin
// stepping) and pairs of unknowns given when it is made (capacitors of a
// time step). They are added after every Eval.
//
// A Matrix is not safe for concurrent use, nor is its System while it
// evaluates.
package jacobian
