package circuit

import (
	"fmt"
	"math"
)

// CheckTemperature returns an error unless a diode of model m at
// temperature temp kelvin, its saturation current scaled from tnom kelvin
// (see SaturationCurrent), has a finite positive saturation current and a
// finite critical voltage. Scaling over a large ratio of temperatures
// overflows IS to +Inf (temp = 400 K from tnom = 1 K) or underflows it to
// zero (the reverse), and the solvers cannot work with either.
func (m DiodeModel) CheckTemperature(temp, tnom float64) error {
	j := m.Junction(temp, tnom)
	if !(j.is > 0) || math.IsInf(j.is, 0) || !finite(j.nvt) || !finite(j.vcrit) {
		if temp == tnom {
			return fmt.Errorf("is = %g A and n = %g at %g K give a saturation current of %g A and a critical voltage of %g V: not finite", m.IS, m.N, temp, j.is, j.vcrit)
		}
		return fmt.Errorf("is = %g A at tnom = %g K scales to %g A at temp = %g K, not a finite positive current: tnom and temp are too far apart", m.IS, tnom, j.is, temp)
	}
	return nil
}
