package device_test

import (
	"fmt"

	"github.com/eqsim/eqsim/eqprop/device"
)

// A soft-bounds device's up steps shrink as the conductance nears g_max.
func Example() {
	a, err := device.New(device.Params{Kind: device.SoftBounds, GMin: 0, GMax: 1e-4, DwMin: 1e-5}, 1, 1)
	if err != nil {
		panic(err)
	}
	g := []float64{0}
	for range 4 {
		before := g[0]
		a.Update(g, []float64{1e-5}, nil)
		fmt.Printf("g = %.3g S, step %.3g S\n", g[0], g[0]-before)
	}
	// Output:
	// g = 1e-05 S, step 1e-05 S
	// g = 1.9e-05 S, step 9e-06 S
	// g = 2.71e-05 S, step 8.1e-06 S
	// g = 3.44e-05 S, step 7.29e-06 S
}
