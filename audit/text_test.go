package audit

import "testing"

// TestDissipationLine checks the order (largest first, ties by name), the
// shares, the units and the sum of the elements beyond the eighth.
func TestDissipationLine(t *testing.T) {
	for _, c := range []struct {
		diss map[string]float64
		want string
	}{
		{nil, ""},
		{map[string]float64{"W1": 1.6e-3, "DE": 9.1e-3, "DI": 4e-3, "B": 1.6e-3, "R": 1e-6},
			"DE 9.1 mW (56%), DI 4 mW (25%), B 1.6 mW (10%), W1 1.6 mW (10%), R 1 µW (0.006%)"},
		{map[string]float64{"A": 2, "B": 0.5e-9}, "A 2 W (100%), B 500 pW (2e-08%)"},
		{map[string]float64{"W1": 1320, "D": 2.66}, "W1 1.32 kW (100%), D 2.66 W (0.2%)"},
		{map[string]float64{"a": 9, "b": 8, "c": 7, "d": 6, "e": 5, "f": 4, "g": 3, "h": 2, "i": 0.5, "j": 0.5},
			"a 9 W (20%), b 8 W (18%), c 7 W (16%), d 6 W (13%), e 5 W (11%), f 4 W (9%), g 3 W (7%), h 2 W (4%), 2 others 1 W (2%)"},
	} {
		if got := dissipationLine(c.diss); got != c.want {
			t.Errorf("dissipationLine(%v)\n%q\nwant\n%q", c.diss, got, c.want)
		}
	}
}
