// Package clipsum adds changes to rows of values clipped to bounds and
// sums the new values by row and by column as it writes them, in one
// pass: the update of a trained crossbar's conductances, which is as much
// of a training step as the products it needs. Rows are summed in column
// order and columns in row order, so the sums are those of a plain loop,
// bit for bit. On amd64 four rows go two columns at a time in SSE2; the
// Go loop runs elsewhere and with the build tag purego.
package clipsum
