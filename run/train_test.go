package run

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/netlist"
)

const xorNet = "../examples/xor.toml"

func ptr[T any](v T) *T { return &v }

// open returns the session of the XOR example with o.
func open(t *testing.T, o Overrides) *Session {
	t.Helper()
	s, err := Open(xorNet, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTrainInMemory: a run without an output folder trains as a run with
// one (the same metrics, epoch by epoch) but tests only after its last
// epoch.
func TestTrainInMemory(t *testing.T) {
	o := Overrides{Epochs: ptr(12), BatchSize: ptr(1), Seed: ptr(uint64(3))}
	mem, err := Train(context.Background(), open(t, o), Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "run")
	files, err := Train(context.Background(), open(t, o), Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if mem.Epochs != 12 || mem.Out != "" || mem.Netlist != "" || files.Netlist != filepath.Join(out, "xor.toml") {
		t.Errorf("summaries: %+v, %+v", mem, files)
	}
	if mem.TrainLoss != files.TrainLoss || mem.TrainError != files.TrainError || mem.TestLoss != files.TestLoss || mem.TestError != files.TestError {
		t.Errorf("in memory %+v, with files %+v", mem, files)
	}
	for i, r := range mem.Rows {
		f := files.Rows[i]
		if r.TrainLoss != f.TrainLoss || r.TrainError != f.TrainError {
			t.Errorf("epoch %d: train loss %v error %v in memory, %v %v with files", r.Epoch, r.TrainLoss, r.TrainError, f.TrainLoss, f.TrainError)
		}
		if tested := r.TestLoss != 0; tested != (i == len(mem.Rows)-1) || f.TestLoss == 0 {
			t.Errorf("epoch %d: test loss %v in memory, %v with files", r.Epoch, r.TestLoss, f.TestLoss)
		}
	}
	for _, f := range []string{"xor.toml", "xor.W1.npy", MetricsCSV, MetricsJSONL, CurvesPNG, CurvesSVG, filepath.Join(CheckpointDir, "state.json")} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}

// TestTrainResume interrupts a run through its context, refuses to start
// another in its folder or to resume it with other settings, and resumes
// it to the conductances of a run never interrupted, bit for bit.
func TestTrainResume(t *testing.T) {
	dir := t.TempDir()
	o := Overrides{Epochs: ptr(3), BatchSize: ptr(1), Seed: ptr(uint64(9))}
	ref, cut := filepath.Join(dir, "ref"), filepath.Join(dir, "cut")
	if _, err := Train(context.Background(), open(t, o), Options{Out: ref}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Train(ctx, open(t, o), Options{Out: cut, AfterBatch: func(epoch, done int) {
		if epoch == 2 && done == 2 {
			cancel()
		}
	}})
	var in *Interrupted
	if !errors.As(err, &in) || in.Epoch != 1 || in.Done != 2 || in.Total != 4 || !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v (%+v)", err, in)
	}
	if want := "interrupted in epoch 2 after 2 of 4 samples; the checkpoint is in " + filepath.Join(cut, CheckpointDir); err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	var un *Unfinished
	if _, err := Train(context.Background(), open(t, o), Options{Out: cut}); !errors.As(err, &un) || un.Done != 1 || un.Epochs != 3 {
		t.Errorf("a new run into the unfinished one: %v", err)
	}
	var re *ResumeError
	var ie *InputError
	_, err = Train(context.Background(), open(t, Overrides{Epochs: o.Epochs, BatchSize: o.BatchSize, Seed: ptr(uint64(8))}), Options{Out: cut, Resume: true})
	if !errors.As(err, &re) || !errors.As(err, &ie) || !strings.Contains(err.Error(), "seed: checkpoint 9, now 8") {
		t.Errorf("resume with another seed: %v", err)
	}
	if _, err := Train(context.Background(), open(t, o), Options{Out: filepath.Join(dir, "none"), Resume: true}); !errors.As(err, &ie) || !errors.Is(err, ErrNoCheckpoint) {
		t.Errorf("resume of nothing: %v", err)
	}
	sum, err := Train(context.Background(), open(t, o), Options{Out: cut, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Epochs != 3 {
		t.Errorf("the resumed run has %d epochs", sum.Epochs)
	}
	for _, f := range []string{"xor.W1.npy", "xor.W2.npy"} {
		a, _ := os.ReadFile(filepath.Join(ref, f))
		b, _ := os.ReadFile(filepath.Join(cut, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs from the run never interrupted", f)
		}
	}
}

// TestSessionErrors: netlists and overrides that cannot be trained give
// an *InputError.
func TestSessionErrors(t *testing.T) {
	src, err := os.ReadFile(xorNet)
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(s), 0o644)
		return p
	}
	noOutput := write("nooutput.toml", text[:strings.Index(text, "[output]")])
	noData := write("nodata.toml", strings.Replace(text, "dataset = \"xor\"\n", "", 1))
	for _, tc := range []struct {
		path string
		o    Overrides
		want string
	}{
		{noOutput, Overrides{}, "no [output] section"},
		{noData, Overrides{}, "no data set"},
		{filepath.Join(dir, "none.toml"), Overrides{}, "none.toml"},
		{xorNet, Overrides{Epochs: ptr(0)}, "epochs"},
		{xorNet, Overrides{Subset: ptr(-1)}, "subsets"},
		{xorNet, Overrides{Workers: ptr(-1)}, "workers"},
		{xorNet, Overrides{Beta: ptr(0.0)}, "beta"},
		{xorNet, Overrides{Estimator: ptr("forward")}, `estimator "forward"`},
		{xorNet, Overrides{InputOffset: ptr(math.Inf(-1))}, "input offset"},
	} {
		_, err := Open(tc.path, tc.o)
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %+v: %v, want an *InputError about %q", filepath.Base(tc.path), tc.o, err, tc.want)
		}
	}
	s := open(t, Overrides{Data: dir, Subset: ptr(3), TestSubset: ptr(2), Epochs: ptr(5), LearningRate: ptr(1e-11)})
	if err := s.Load(); err != nil {
		t.Fatal(err)
	}
	if s.Train.Len() != 3 || s.Test.Len() != 2 || s.Config.Epochs != 5 || s.Config.LearningRate != 1e-11 || s.Spec.Dir != dir {
		t.Errorf("overrides not applied: %d %d %+v %+v", s.Train.Len(), s.Test.Len(), s.Config, s.Spec)
	}
}

func TestFailed(t *testing.T) {
	bad := errors.New("no convergence")
	for _, tc := range []struct {
		f        Failed
		msg      string
		finished int
	}{
		{Failed{Err: bad}, "no convergence", 0},
		{Failed{Epoch: 3, Err: bad}, "training stopped in epoch 3: no convergence", 2},
		{Failed{Epoch: 3, Checkpoint: "c", Err: bad}, "training stopped: no convergence (the checkpoint before the failed batch is in c)", 2},
		{Failed{Epoch: 3, Testing: true, Err: bad}, "testing after epoch 3: no convergence", 3},
	} {
		if tc.f.Error() != tc.msg || tc.f.Finished() != tc.finished || !errors.Is(&tc.f, bad) {
			t.Errorf("%+v: %q, %d finished", tc.f, tc.f.Error(), tc.f.Finished())
		}
	}
}

// lessHalf returns the session of the XOR example with o, its data
// loaded, after checking that every feature of both sets is the plain
// one less 0.5.
func lessHalf(t *testing.T, o Overrides) *Session {
	t.Helper()
	plain, s := open(t, Overrides{}), open(t, o)
	for _, x := range []*Session{plain, s} {
		if err := x.Load(); err != nil {
			t.Fatal(err)
		}
	}
	for k, pair := range [][2]*eqprop.Set{{plain.Train, s.Train}, {plain.Test, s.Test}} {
		for i := range pair[0].Len() {
			a, b := pair[0].Sample(i), pair[1].Sample(i)
			for j := range a {
				if b[j] != a[j]-0.5 {
					t.Fatalf("set %d sample %d feature %d: %v, want %v - 0.5", k, i, j, b[j], a[j])
				}
			}
		}
	}
	return s
}

// reopen writes the trained netlist of s into a new folder and opens it
// with o.
func reopen(t *testing.T, s *Session, o Overrides) *Session {
	t.Helper()
	path := filepath.Join(t.TempDir(), "trained.toml")
	if err := netlist.WriteFile(path, s.Trained()); err != nil {
		t.Fatal(err)
	}
	back, err := Open(path, o)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

// TestInputOffset: --input-offset reaches the data (every feature less the
// offset, in both sets), the settings of the checkpoint and the trained
// netlist, from which a session reads it back.
func TestInputOffset(t *testing.T) {
	s := lessHalf(t, Overrides{InputOffset: ptr(0.5)})
	if got := s.Settings().InputOffset; got != 0.5 {
		t.Errorf("settings: input offset %v", got)
	}
	back := reopen(t, s, Overrides{})
	if plain := open(t, Overrides{}); back.Spec.Offset != 0.5 || plain.Spec.Offset != 0 {
		t.Errorf("offsets read back %v, without the override %v", back.Spec.Offset, plain.Spec.Offset)
	}
}

// TestInputMean checks that input_offset = "mean" (InputMean) reaches the
// data (each feature less its mean over the training set, in both sets),
// the settings of the checkpoint and the trained netlist, and that an
// offset given over it replaces it, and it an offset.
func TestInputMean(t *testing.T) {
	// XOR's four patterns: each feature's mean is 0.5.
	s := lessHalf(t, Overrides{InputMean: ptr(true)})
	if !s.Settings().InputMean || open(t, Overrides{}).Settings().InputMean {
		t.Error("settings: input mean not as given")
	}
	if back := reopen(t, s, Overrides{}); !back.Spec.OffsetMean {
		t.Error("the trained netlist lost input_offset = \"mean\"")
	}
	back := reopen(t, s, Overrides{InputOffset: ptr(0.25), InputMean: ptr(false)})
	if back.Spec.OffsetMean || back.Spec.Offset != 0.25 {
		t.Errorf("an offset given over the means: means %v, offset %v", back.Spec.OffsetMean, back.Spec.Offset)
	}
	back = reopen(t, back, Overrides{InputMean: ptr(true)})
	if !back.Spec.OffsetMean || back.Spec.Offset != 0 {
		t.Errorf("the means given over an offset: means %v, offset %v", back.Spec.OffsetMean, back.Spec.Offset)
	}
}

// TestRegularisers: --weight-decay and --input-dropout reach the
// trainer's configuration, the settings of the checkpoint, the run's first
// line and the trained netlist; 0 over a netlist's turns them off; out of
// range they are refused.
func TestRegularisers(t *testing.T) {
	for _, tc := range []struct {
		name      string
		o         func(v float64) Overrides
		cfg       func(s *Session) float64
		set       func(s Settings) float64
		good, bad float64
		log       string
	}{
		{"weight decay", func(v float64) Overrides { return Overrides{WeightDecay: &v} },
			func(s *Session) float64 { return s.Config.WeightDecay }, func(s Settings) float64 { return s.WeightDecay }, 2e4, -1,
			", weight decay 20000 V^2/S^2,"},
		{"input dropout", func(v float64) Overrides { return Overrides{InputDropout: &v} },
			func(s *Session) float64 { return s.Config.InputDropout }, func(s Settings) float64 { return s.InputDropout }, 0.2, 1,
			", input dropout 0.2,"},
	} {
		s := open(t, tc.o(tc.good))
		if tc.cfg(s) != tc.good || tc.set(s.Settings()) != tc.good || tc.set(open(t, Overrides{}).Settings()) != 0 {
			t.Errorf("%s: %v, settings %v, want %v", tc.name, tc.cfg(s), tc.set(s.Settings()), tc.good)
		}
		o := tc.o(tc.good)
		o.Epochs = ptr(1)
		var log lines
		if _, err := Train(context.Background(), open(t, o), Options{Progress: &log}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(log.text.String(), tc.log) {
			t.Errorf("%s: the run's first line does not say %q:\n%s", tc.name, tc.log, log.text.String())
		}
		if back := reopen(t, s, Overrides{}); tc.cfg(back) != tc.good {
			t.Errorf("%s: the trained netlist's %v, want %v", tc.name, tc.cfg(back), tc.good)
		}
		if off := reopen(t, s, tc.o(0)); tc.cfg(off) != 0 {
			t.Errorf("%s: 0 over the netlist's gives %v", tc.name, tc.cfg(off))
		}
		if _, err := Open(xorNet, tc.o(tc.bad)); err == nil {
			t.Errorf("%s: no error for %v", tc.name, tc.bad)
		}
	}
}
