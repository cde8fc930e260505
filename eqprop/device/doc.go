// Package device models the trainable conductances of an analog network as
// the pulsed resistive devices of IBM's AIHWKit, with AIHWKit's vocabulary
// (dw_min, up_down, *_dtod, dw_min_std) mapped from weights onto
// conductances in siemens.
//
// A learning rule asks for a change dg (S) of conductance g (S). An ideal
// device applies it exactly, g <- clip(g + dg, g_min, g_max). A pulsed
// device instead receives n = round(|dg| / dw_min) pulses in the direction
// of dg (dw_min is the nominal Params.DwMin, so a device whose own dw_min is
// larger than nominal overshoots and one whose dw_min is smaller
// undershoots). Each pulse changes g by a step that depends on where g sits
// between the device's bounds. With
//
//	x = (g - g_min) / (g_max - g_min)   in [0, 1] (dimensionless)
//	s_up   = dw_min * (1 + up_down)     (S)
//	s_down = dw_min * (1 - up_down)     (S)
//
// one up pulse adds s_up*f_up(x) and one down pulse subtracts s_down*f_down(x),
// with the shape functions (dimensionless, never negative)
//
//	"constant"    f_up = 1                          f_down = 1
//	"linear"      f_up = 1 - gamma*x                f_down = 1 - gamma*(1-x)
//	"soft_bounds" f_up = 1 - x                      f_down = x
//	"exp"         f_up = max(0, 1 - a*exp(b*x))     f_down = max(0, 1 - a*exp(b*(1-x)))
//	"pow"         f_up = (1-x)^gamma                f_down = x^gamma
//
// "linear" is AIHWKit's LinearStep with gamma_up = gamma_down = gamma and
// the weight range mapped onto [0, 1], so that steps shrink linearly
// towards the bound they approach; gamma = 1 is "soft_bounds" and gamma = 0
// is "constant". "exp" is AIHWKit's ExpStep with A_up = A_down = a,
// gamma_up = gamma_down = b and its z mapped onto x (up) or 1-x (down).
// "pow" is AIHWKit's PowStep with pow_gamma = gamma and pow_up_down folded
// into up_down. After every pulse g is clipped to the device's bounds.
//
// Cycle-to-cycle (write) noise multiplies every pulse's step by
// (1 + dw_min_std*xi), xi a standard normal drawn per pulse; for the ideal
// device the whole change dg*(1 ± up_down) is one "pulse".
//
// Device-to-device variation is drawn once per device from the seed given
// to New, each parameter from its own random stream so that turning one
// variation on does not change the draws of another:
//
//	dw_min_i  = max(0, dw_min * (1 + dw_min_dtod*xi))
//	up_down_i = clamp(up_down + up_down_dtod*xi, -1, 1)  (up_down is itself relative, so its spread is absolute)
//	g_min_i   = max(0, g_min * (1 + g_min_dtod*xi))
//	g_max_i   = max(g_min_i, g_max * (1 + g_max_dtod*xi))
//
// With Levels > 1 every conductance a device holds is rounded to the
// nearest of Levels equally spaced values g_min + k*(g_max - g_min)/(Levels-1),
// k = 0..Levels-1, on the nominal bounds; a change smaller than half a
// level spacing is therefore lost. A fraction StuckFraction of the devices,
// chosen once from the seed, is stuck: at g_min, at g_max, or at a value
// drawn uniformly in [g_min, g_max] (quantised to the levels if any), and
// Update and Program set them to that value whatever is asked.
package device
