package sparse_test

import (
	"errors"
	"fmt"
	"log"
	"math"

	"github.com/eqsim/eqsim/solver/sparse"
)

// A resistor ladder driven by a 1 mA current source into node 0: three
// nodes, 1 kΩ between neighbours and from node 2 to ground. The Builder
// gives each stamp its slot; the node voltages follow from one solve.
func Example() {
	const g = 1e-3 // S
	b := sparse.NewBuilder(3)
	type stamp struct {
		h int
		v float64
	}
	var stamps []stamp
	conductance := func(i, j int) {
		stamps = append(stamps,
			stamp{b.Add(i, i), g}, stamp{b.Add(j, j), g},
			stamp{b.Add(i, j), -g}, stamp{b.Add(j, i), -g})
	}
	conductance(0, 1)
	conductance(1, 2)
	stamps = append(stamps, stamp{b.Add(2, 2), g}) // to ground
	a, slots := b.Compile()
	v := a.Values()
	for _, s := range stamps {
		v[slots[s.h]] += s.v
	}

	var lu sparse.LU
	if err := lu.Factor(a, sparse.Analyze(a, nil)); err != nil {
		log.Fatal(err)
	}
	x := []float64{1e-3, 0, 0} // A
	lu.SolveTo(x, x)
	fmt.Printf("V = %.3f V\n", x)
	// Output:
	// V = [3.000 2.000 1.000] V
}

// A Newton iteration on a diode from node 0 to ground, fed by 5 mA with
// 1 mS to ground (a 5 V source behind 1 kΩ), and a divider (1 mS to node 1,
// 1 mS from node 1 to ground). The pattern is fixed, so each iteration
// restamps the values into their slots and calls Refactor, falling back to
// Factor if a pivot became unusable. By hand: V1 = V0/2 and
// 1.5 mS·V0 + Is·(exp(V0/Vt) - 1) = 5 mA, whose root (by bisection) is
// V0 = 0.69167 V.
func Example_newton() {
	const (
		is = 1e-14  // A, diode saturation current
		vt = 0.0259 // V, thermal voltage
	)
	b := sparse.NewBuilder(2)
	h00, h01, h10, h11 := b.Add(0, 0), b.Add(0, 1), b.Add(1, 0), b.Add(1, 1)
	a, slots := b.Compile()
	s := sparse.Analyze(a, nil)
	var lu sparse.LU
	x := []float64{0.5, 0.25}
	f := make([]float64, 2)
	for iter := 0; iter < 100; iter++ {
		id := is * (math.Exp(x[0]/vt) - 1)
		gd := is / vt * math.Exp(x[0]/vt)
		// Residual: currents leaving each node.
		f[0] = 1e-3*x[0] + 1e-3*(x[0]-x[1]) + id - 5e-3
		f[1] = 1e-3*(x[1]-x[0]) + 1e-3*x[1]
		v := a.Values()
		clear(v)
		v[slots[h00]] += 2e-3 + gd
		v[slots[h01]] -= 1e-3
		v[slots[h10]] -= 1e-3
		v[slots[h11]] += 2e-3
		var err error
		if iter == 0 {
			err = lu.Factor(a, s)
		} else if err = lu.Refactor(a); errors.As(err, new(*sparse.PivotError)) {
			err = lu.Factor(a, s)
		}
		if err != nil {
			log.Fatal(err)
		}
		lu.SolveTo(f, f)                        // the Newton step, in place
		damp := math.Min(1, 0.1/math.Abs(f[0])) // at most 0.1 V on the junction
		x[0] -= damp * f[0]
		x[1] -= damp * f[1]
		if math.Abs(f[0]) < 1e-12 {
			break
		}
	}
	fmt.Printf("V(0) = %.5f V, V(1) = %.5f V\n", x[0], x[1])
	// Output:
	// V(0) = 0.69167 V, V(1) = 0.34583 V
}

// SolveTransTo solves with the transpose of the factorized matrix, as an
// adjoint gradient needs, without factoring Aᵀ.
func ExampleLU_SolveTransTo() {
	// A = [2 1; 0 4]
	a := sparse.NewMatrix(2, []int{0, 1, 3}, []int{0, 0, 1}, []float64{2, 1, 4})
	var lu sparse.LU
	if err := lu.Factor(a, sparse.Analyze(a, nil)); err != nil {
		log.Fatal(err)
	}
	x := make([]float64, 2)
	lu.SolveTo(x, []float64{3, 4})
	fmt.Println("A x = [3 4]:  x =", x)
	lu.SolveTransTo(x, []float64{2, 5})
	fmt.Println("Aᵀx = [2 5]: x =", x)
	// Output:
	// A x = [3 4]:  x = [1 1]
	// Aᵀx = [2 5]: x = [1 1]
}

// A singular matrix gives a *SingularError naming the column, never NaN.
func ExampleSingularError() {
	// Column 1 is twice column 0.
	a := sparse.NewMatrix(2, []int{0, 2, 4}, []int{0, 1, 0, 1}, []float64{1, 3, 2, 6})
	var lu sparse.LU
	err := lu.Factor(a, sparse.Analyze(a, nil))
	var se *sparse.SingularError
	fmt.Println(errors.As(err, &se), se.Col, lu.Valid())
	// Output:
	// true 1 false
}
