package sparse

import "fmt"

// SingularError reports that LU.Factor found no usable pivot: at
// elimination step Step every remaining candidate in column Col of A was
// zero, or no larger than rounding (machine epsilon times the largest
// magnitude in that column of A or of the column being eliminated). The
// matrix is then singular to working precision. Structural is true when
// the column had no candidate entry at all, so that the structure alone
// makes A singular whatever its values.
type SingularError struct {
	Col, Step  int
	Structural bool
}

func (e *SingularError) Error() string {
	kind := "numerically"
	if e.Structural {
		kind = "structurally"
	}
	return fmt.Sprintf("sparse: matrix is %s singular: no pivot in column %d (step %d)", kind, e.Col, e.Step)
}

// PivotError reports that LU.Refactor could not reuse the pivot sequence of
// the last Factor: at step Step the pivot, in column Col of A, has
// magnitude Pivot, below the pivot tolerance times Max, the largest
// magnitude among the other candidates of that column (or it is zero, or
// no larger than rounding). A full Factor with the new values chooses new
// pivots and either succeeds or reports a *SingularError.
type PivotError struct {
	Col, Step  int
	Pivot, Max float64
}

func (e *PivotError) Error() string {
	return fmt.Sprintf("sparse: pivot %g in column %d (step %d) is too small against %g: factor again", e.Pivot, e.Col, e.Step, e.Max)
}

// NotFiniteError reports a NaN or infinite value met in column Col of A
// (in A itself, or produced by overflow while eliminating it).
type NotFiniteError struct {
	Col int
}

func (e *NotFiniteError) Error() string {
	return fmt.Sprintf("sparse: NaN or infinite value in column %d", e.Col)
}
