// Package reduce eliminates the internal nodes of a linear resistive
// subnetwork, such as the grid of wire segments and cells of a crossbar
// with wire resistance, leaving its effect on the nodes at its periphery:
// a Schur complement.
//
// A Network has internal nodes, joined only by its own conductances, and
// periphery nodes, where it meets the rest of a circuit; each periphery
// node is free (an unknown of the circuit) or pinned (held by sources).
// With K the conductance matrix of the network (internal rows first), the
// current leaving free periphery node f into the network at equilibrium of
// its internal nodes is
//
//	i_f = sum over free f' of S[f][f']·V(f') + sum over pinned p of T[f][p]·V(p),
//
// with S = K_FF - K_FI K_II⁻¹ K_IF and T = K_FP - K_FI K_II⁻¹ K_IP. S is
// symmetric positive semidefinite; the rows of [S T] sum to zero (a
// network at one voltage carries no current).
//
// Update computes S and T for new conductances: it factors K_II by sparse
// LU (package solver/sparse; ordered and analysed once, refactored with
// the same pivots afterwards) and solves K_II·X = K_IF for one
// right-hand side per free periphery node, in blocks. Between updates a
// solver needs only S and T: the internal nodes' work is paid once per
// change of the conductances, not per solve. InternalTo recovers the
// internal voltages for given periphery voltages (one solve).
package reduce
