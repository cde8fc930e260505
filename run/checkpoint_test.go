package run

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/internal/safeio"
)

// TestCheckpointRoundTrip writes checkpoints and reads them back bit for
// bit; only the last one's conductance files remain.
func TestCheckpointRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "checkpoint")
	blocks := []eqprop.Block{{Name: "W1", Rows: 2, Cols: 3}, {Name: "R", Rows: 1, Cols: 1}}
	st := eqprop.State{Epoch: 1, Batch: 7, LossSum: 1.0 / 3, Errors: 2, Seen: 9,
		Conductances: [][]float64{{1e-6, 2e-6 / 3, math.Nextafter(1e-7, 1), 4e-6, 5e-6, 6e-6}, {1.0 / 7}}}
	ck := &Checkpoint{Netlist: "/x/y.toml", NetlistSHA256: "abc", Seconds: 12.5,
		Settings: Settings{Dataset: "xor", Beta: 1e-6, LearningRates: map[string]float64{"W1": 1e-12}},
		Rows:     []Metrics{{Epoch: 1, TrainLoss: 0.1, TestError: 0.25, Seconds: 3}}}
	for range 3 {
		if err := writeCheckpoint(dir, ck, st, blocks); err != nil {
			t.Fatal(err)
		}
	}
	back, bst, err := ReadCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(bst, st) {
		t.Errorf("state %+v, read back %+v", st, bst)
	}
	if !reflect.DeepEqual(back, ck) {
		t.Errorf("checkpoint %+v, read back %+v", ck, back)
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "g0.3.npy g1.3.npy state.json" {
		t.Errorf("files %s", got)
	}

	// Damage.
	os.Remove(filepath.Join(dir, "g1.3.npy"))
	if _, _, err := ReadCheckpoint(dir); err == nil || !strings.Contains(err.Error(), "g1.3.npy") {
		t.Errorf("missing conductances: %v", err)
	}
	os.WriteFile(filepath.Join(dir, checkpointFile), []byte(`{"version": 99}`), 0o644)
	if _, _, err := ReadCheckpoint(dir); err == nil || !strings.Contains(err.Error(), "version 99") {
		t.Errorf("wrong version: %v", err)
	}
	os.WriteFile(filepath.Join(dir, checkpointFile), []byte(`{"version": 1, "bogus": 2}`), 0o644)
	if _, _, err := ReadCheckpoint(dir); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("unknown field: %v", err)
	}
	if _, _, err := ReadCheckpoint(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no checkpoint") {
		t.Errorf("no checkpoint: %v", err)
	}
}

// writeCheckpoint commits the checkpoint of ck and s into dir, the
// checkpoint folder of a run folder, as a run does.
func writeCheckpoint(dir string, ck *Checkpoint, s eqprop.State, blocks []eqprop.Block) error {
	l, err := safeio.Lock(filepath.Dir(dir))
	if err != nil {
		return err
	}
	defer l.Unlock()
	outs, err := checkpointOutputs(ck, s, blocks)
	if err != nil {
		return err
	}
	remove, err := staleConductances(dir, outs)
	if err != nil {
		return err
	}
	return l.Commit(outs, remove)
}

func TestSettingsDifferences(t *testing.T) {
	a := Settings{Dataset: "mnist", Beta: 1e-6, Epochs: 10, Workers: 2, Seed: 1}
	b := a
	b.Epochs, b.Workers = 20, 1
	if d := a.Differences(b); len(d) != 0 {
		t.Errorf("epochs and workers may differ: %v", d)
	}
	b.LearningRates = map[string]float64{}
	if d := a.Differences(b); len(d) != 0 {
		t.Errorf("an empty map of learning rates is none: %v", d)
	}
	b.Beta, b.Seed, b.Dataset = 2e-6, 3, "xor"
	b.LearningRates = map[string]float64{"W1": 1}
	got := strings.Join(a.Differences(b), "; ")
	want := `dataset: checkpoint "mnist", now "xor"; beta: checkpoint 1e-06, now 2e-06; learning_rates: checkpoint none, now {"W1":1}; seed: checkpoint 1, now 3`
	if got != want {
		t.Errorf("differences:\n%s\nwant\n%s", got, want)
	}
}

func TestMeanRate(t *testing.T) {
	rows := []Metrics{{SamplesPerSecond: 100}, {SamplesPerSecond: 300}}
	// 100 samples at 100/s and 100 at 300/s: 200 samples in 4/3 s.
	if got := meanRate(rows, 100); math.Abs(got-150) > 1e-9 {
		t.Errorf("meanRate = %v, want 150", got)
	}
	if got := meanRate(nil, 10); got != 0 {
		t.Errorf("meanRate of nothing = %v", got)
	}
}

// TestCheckpointOfNpyio reads a checkpoint whose conductances were written
// by npyio, as eqsim wrote them before it had one .npy codec.
func TestCheckpointOfNpyio(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "checkpoint")
	blocks := []eqprop.Block{{Name: "W1", Rows: 2, Cols: 3}}
	g := []float64{1e-6, 2e-6 / 3, math.Nextafter(1e-7, 1), 4e-6, 5e-6, 6e-6}
	st := eqprop.State{Conductances: [][]float64{g}}
	ck := &Checkpoint{Settings: Settings{Dataset: "xor"}}
	if err := writeCheckpoint(dir, ck, st, blocks); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := npyio.Write(&b, mat.NewDense(2, 3, g)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ck.Blocks[0].File), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, back, err := ReadCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, st) {
		t.Errorf("read back %+v, want %+v", back, st)
	}
	// A file of other dimensions is refused.
	b.Reset()
	npyio.Write(&b, mat.NewDense(3, 2, g))
	os.WriteFile(filepath.Join(dir, ck.Blocks[0].File), b.Bytes(), 0o644)
	if _, _, err := ReadCheckpoint(dir); err == nil || !strings.Contains(err.Error(), "want 2x3") {
		t.Errorf("3x2 conductances for a 2x3 block: %v", err)
	}
}
