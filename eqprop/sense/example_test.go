package sense_test

import (
	"fmt"

	"github.com/eqsim/eqsim/eqprop/sense"
)

// An ADC of 3 bits over [-0.7 V, 0.7 V] has eight levels 0.2 V apart:
// readings round to the nearest and clip at the ends.
func ExampleChain_Quantize() {
	adc := sense.Chain{Bits: 3, Min: -0.7, Max: 0.7}
	fmt.Printf("step %.1f V\n", adc.Step())
	for _, v := range []float64{0.05, -0.31, 0.69, 2} {
		fmt.Printf("%5.2f V reads %4.1f V\n", v, adc.Quantize(v))
	}
	// Output:
	// step 0.2 V
	//  0.05 V reads  0.1 V
	// -0.31 V reads -0.3 V
	//  0.69 V reads  0.7 V
	//  2.00 V reads  0.7 V
}
