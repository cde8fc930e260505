//go:build unix

package main

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/eqsim/eqsim/internal/npy"
	"github.com/eqsim/eqsim/internal/safeio"
	"github.com/eqsim/eqsim/run"
)

// TestTrainKill9 kills real eqsim train processes with SIGKILL at random
// moments, most of them inside a commit (commits take most of a short
// epoch's time). After each kill the folder holds a checkpoint of no
// fewer epochs than the process had reported done, and outputs (the
// trained netlist's conductances, the metrics) that are those of the
// checkpoint; resuming ends with the conductances and metrics of a run
// never killed, bit for bit, and no temporary files are left. A process
// killed before its first epoch ended leaves nothing to resume, and a new
// run in its folder starts afresh.
func TestTrainKill9(t *testing.T) {
	dir := t.TempDir()
	args := []string{"train", xorNet, "--epochs", "60", "--batch-size", "1", "--seed", "7"}
	ref := filepath.Join(dir, "ref")
	cmd, _, stderr := child(nil, append(args, "--out", ref)...)
	start := time.Now()
	if code := exitCode(t, cmd.Run()); code != 0 {
		t.Fatalf("reference run: exit %d\n%s", code, stderr)
	}
	span := time.Since(start)
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("reference run %v; kill times from seed %d", span, seed)
	logged := regexp.MustCompile(`epoch (\d+)/60:`)
	for trial := range 6 {
		out := filepath.Join(dir, "k"+strconv.Itoa(trial))
		cmd, _, stderr := child(nil, append(args, "--out", out)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wait := time.Duration(rng.Int64N(int64(span)))
		time.Sleep(wait)
		cmd.Process.Kill()
		cmd.Wait()
		reported := 0
		for _, m := range logged.FindAllStringSubmatch(stderr.String(), -1) {
			reported, _ = strconv.Atoi(m[1])
		}
		// The folder as the next run finds it: taking it completes a
		// commit that the kill interrupted after its commit point.
		l, err := safeio.Lock(out)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if len(l.Recovered) > 0 || len(l.Removed) > 0 {
			t.Logf("trial %d: the lock completed a commit of %d files and removed %d temporary files", trial, len(l.Recovered), len(l.Removed))
		}
		l.Unlock()
		ckDir := filepath.Join(out, run.CheckpointDir)
		ck, st, err := run.ReadCheckpoint(ckDir)
		resume := "--resume"
		switch {
		case err != nil && reported == 0 && os.IsNotExist(statErr(ckDir)):
			resume = "--out" // killed in its first epoch: start again
		case err != nil:
			t.Fatalf("trial %d, killed after %v (%d epochs reported): %v", trial, wait, reported, err)
		default:
			if st.Epoch < reported {
				t.Errorf("trial %d: the checkpoint is at epoch %d, the process reported %d done", trial, st.Epoch, reported)
			}
			if rows := readMetricsCSV(t, out); len(rows)-1 != len(ck.Rows) {
				t.Errorf("trial %d: metrics.csv has %d rows, its checkpoint %d", trial, len(rows)-1, len(ck.Rows))
			}
			for k, name := range []string{"xor.W1.npy", "xor.W2.npy"} {
				a, err := npy.ReadFile(filepath.Join(out, name), 1<<20)
				if err != nil || !equalBits(a.Data, st.Conductances[k]) {
					t.Errorf("trial %d: %s is not the checkpoint's (%v)", trial, name, err)
				}
			}
		}
		t.Logf("trial %d: killed after %v, %d epochs reported, checkpoint at epoch %d batch %d", trial, wait, reported, st.Epoch, st.Batch)
		c := append(append([]string{}, args...), resume, out)
		cmd, _, stderr = child(nil, c...)
		if code := exitCode(t, cmd.Run()); code != 0 {
			t.Fatalf("trial %d: %v: exit %d\n%s", trial, c, code, stderr)
		}
		sameFiles(t, ref, out, "xor.W1.npy", "xor.W2.npy")
		if a, b := deterministic(readMetricsCSV(t, ref)), deterministic(readMetricsCSV(t, out)); a != b {
			t.Errorf("trial %d: metrics after the resume differ from the run never killed", trial)
		}
		filepath.Walk(out, func(p string, fi os.FileInfo, err error) error {
			if err == nil && (safeio.IsTemp(fi.Name()) || fi.Name() == safeio.JournalFile) {
				t.Errorf("trial %d: %s left behind", trial, p)
			}
			return nil
		})
	}
}

func statErr(p string) error { _, err := os.Stat(p); return err }

// equalBits reports whether a and b hold the same float64 values, bit for
// bit.
func equalBits(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
}
