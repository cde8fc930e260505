package run

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"

	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/internal/safeio"
)

// fileSHA256 returns the hex SHA-256 of the netlist at path.
func fileSHA256(path string) (string, error) {
	b, err := safeio.ReadFile(path, safeio.MaxNetlist)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// restore sets the trainer to the state st of the checkpoint, once the
// checkpoint is known to be of this netlist and these settings and the
// data set is loaded: its blocks must be the network's, and its place in
// the epoch one that the data set has. Every error is an *InputError
// naming the checkpoint.
func (r *runner) restore(st eqprop.State) error {
	path := filepath.Join(r.ckDir, checkpointFile)
	bad := func(format string, args ...any) error {
		return &InputError{fmt.Errorf("checkpoint %s: %s", path, fmt.Sprintf(format, args...))}
	}
	blocks := r.s.Physical.Blocks()
	if len(r.ck.Blocks) != len(blocks) {
		return bad("%d conductance blocks, the network has %d", len(r.ck.Blocks), len(blocks))
	}
	for k, b := range blocks {
		if c := r.ck.Blocks[k]; c.Name != b.Name || c.Rows != b.Rows || c.Cols != b.Cols {
			return bad("block %d is %q of %dx%d, the network's is %q of %dx%d", k, c.Name, c.Rows, c.Cols, b.Name, b.Rows, b.Cols)
		}
	}
	n, bs := r.s.Train.Len(), r.s.Config.BatchSize
	batches := (n + bs - 1) / bs
	if st.Batch > batches || st.Seen != min(st.Batch*bs, n) {
		return bad("at batch %d of %d, %d samples seen, of an epoch of %d samples in batches of %d", st.Batch, batches, st.Seen, n, bs)
	}
	if err := r.tr.Restore(st); err != nil {
		return bad("%v", err)
	}
	return nil
}
