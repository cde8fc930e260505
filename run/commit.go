package run

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/eqsim/eqsim/internal/safeio"
	"github.com/eqsim/eqsim/netlist"
)

// commit writes the outputs of the run and the checkpoint they come from
// into its folder as one safeio.Commit: the trained netlist and its
// sidecars, metrics.csv and metrics.jsonl, with plots the curves, and the
// checkpoint of the trainer's current state, whose older conductance
// files it removes. A kill at any moment leaves the folder, once a run
// takes it again, with all the files of the last commit or all those of
// the one before, never outputs without their checkpoint. pending is the
// row of an epoch whose test was interrupted.
//
// A durable commit syncs what it writes, so that it survives a crash of
// the machine too (safeio.Commit), and draws the curves; the others
// (safeio.CommitUnsynced) survive the end of the process, however it
// ends, and cost no syncs, which would take longer than a short epoch.
// Every durable commit writes every file, so it makes the whole folder
// durable.
func (r *runner) commit(pending *Metrics, durable bool) error {
	r.ck.Seconds, r.ck.Pending = r.elapsed(), pending
	files, err := netlist.Render(r.netOut, r.s.Trained())
	if err != nil {
		return err
	}
	var outs []safeio.Output
	for _, f := range files {
		outs = append(outs, safeio.Bytes(filepath.Base(f.Path), f.Data))
	}
	m, err := r.text.outputs(r.ck.Rows)
	if err != nil {
		return err
	}
	outs = append(outs, m...)
	if durable {
		title := r.s.Netlist.Circuit.Title
		if title == "" {
			title = r.o.Base
		}
		c, err := curvesOutputs(title, r.ck.Rows)
		if err != nil {
			return fmt.Errorf("plotting: %w", err)
		}
		outs = append(outs, c...)
	}
	ck, err := checkpointOutputs(r.ck, r.tr.State(), r.s.Physical.Blocks())
	if err != nil {
		return err
	}
	outs = append(outs, ck...)
	remove, err := staleConductances(r.ckDir, ck)
	if err != nil {
		return err
	}
	commit := r.dir.CommitUnsynced
	if durable {
		commit = r.dir.Commit
	}
	if err := commit(outs, remove); err != nil {
		return fmt.Errorf("writing the outputs and the checkpoint: %w", err)
	}
	r.lastSave, r.saved = time.Now(), true
	if durable {
		r.lastDurable = r.lastSave
	}
	return nil
}

// staleConductances returns the names, in the run folder, of the .npy
// files in the checkpoint folder dir that are not among keep: those of
// earlier checkpoints.
func staleConductances(dir string, keep []safeio.Output) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	kept := map[string]bool{}
	for _, o := range keep {
		kept[o.Name] = true
	}
	var stale []string
	for _, e := range ents {
		name := path.Join(CheckpointDir, e.Name())
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".npy") && !safeio.IsTemp(e.Name()) && !kept[name] {
			stale = append(stale, name)
		}
	}
	return stale, nil
}
