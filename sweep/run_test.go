package sweep

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/internal/safeio"
	"github.com/eqsim/eqsim/run"
)

// xorSpec writes a sweep of the XOR example over two device levels and two
// seeds, 4 runs of a few epochs, and returns its path.
func xorSpec(t *testing.T, epochs int) string {
	t.Helper()
	xor, err := filepath.Abs("../examples/xor.toml")
	if err != nil {
		t.Fatal(err)
	}
	spec := fmt.Sprintf("base = %q\nmetric = \"train_error\"\nseeds = [1, 2]\n[set]\n\"training.epochs\" = %d\n[[axis]]\npath = \"training.device.levels\"\nvalues = [4, 256]\n", xor, epochs)
	return writeSpec(t, t.TempDir(), "xor-levels.toml", spec)
}

func parse(t *testing.T, path string) *Spec {
	t.Helper()
	s, err := ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// csvTable returns the rows of a CSV file without its seconds column, the
// only one that differs between runs of one sweep.
func csvTable(t *testing.T, path string) string {
	t.Helper()
	rows := readCSV(t, path)
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			if rows[0][i] != "seconds" {
				b.WriteString(c + ",")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestRunShardsMerge runs a sweep whole and in two shards, merges the
// shards, and requires the tables of the whole run.
func TestRunShardsMerge(t *testing.T) {
	s := parse(t, xorSpec(t, 20))
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole")
	res, err := Run(context.Background(), s, Options{Out: whole, Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Missing != 0 || res.Mine != 4 || res.Before != 0 || res.Plan.Runs != 4 || res.Plan.Points != 2 {
		t.Errorf("outcome %+v", res)
	}
	runs, err := ReadRuns(whole)
	if err != nil || len(runs) != 4 {
		t.Fatalf("%d runs, %v", len(runs), err)
	}
	for _, r := range runs {
		if r.Status != "ok" || r.Epochs != 20 || r.TrainError == nil {
			t.Errorf("run %+v", r)
		}
	}
	want := csvTable(t, filepath.Join(whole, ResultsCSV))

	var parts []string
	for i := range 2 {
		d := filepath.Join(dir, fmt.Sprint("shard", i))
		res, err := Run(context.Background(), s, Options{Out: d, Shard: Shard{i, 2}, Jobs: 1})
		if err != nil {
			t.Fatal(err)
		}
		if res.Mine != 2 || res.Missing != 2 {
			t.Errorf("shard %d: %+v", i, res)
		}
		parts = append(parts, d)
	}
	merged := filepath.Join(dir, "merged")
	m, err := Merge(parts, merged, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if m.Runs != 4 || m.Missing != 0 || m.Failed != 0 {
		t.Errorf("merged %+v", m)
	}
	if got := csvTable(t, filepath.Join(merged, ResultsCSV)); got != want {
		t.Errorf("merged shards:\n%s\nthe whole sweep:\n%s", got, want)
	}
	if got := csvTable(t, filepath.Join(merged, SummaryCSV)); got != csvTable(t, filepath.Join(whole, SummaryCSV)) {
		t.Errorf("summaries differ:\n%s", got)
	}

	// Another sweep into the same folder, and folders of two sweeps.
	other := parse(t, xorSpec(t, 21))
	var ie *run.InputError
	if _, err := Run(context.Background(), other, Options{Out: whole}); !errors.Is(err, ErrOtherSweep) || !errors.As(err, &ie) {
		t.Errorf("another sweep into the folder: %v", err)
	}
	if _, err := Merge([]string{whole, t.TempDir()}, merged, io.Discard); !errors.As(err, &ie) {
		t.Errorf("merge of a folder that is no sweep's: %v", err)
	}
}

// TestRunInterrupted stops a sweep after its first run and runs it again:
// the finished run is kept, the others are done.
func TestRunInterrupted(t *testing.T) {
	s := parse(t, xorSpec(t, 10))
	out := filepath.Join(t.TempDir(), "sw")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Run(ctx, s, Options{Out: out, Jobs: 1, AfterRun: func(done int) { cancel() }})
	var in *Interrupted
	if !errors.As(err, &in) || in.Done != 1 || in.Mine != 4 || !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted sweep: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, ResultsCSV)); err == nil {
		t.Errorf("an interrupted sweep wrote %s", ResultsCSV)
	}
	first, _ := ReadRuns(out)
	res, err := Run(context.Background(), s, Options{Out: out, Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := ReadRuns(out)
	if len(first) != 1 || res.Before != 1 || len(all) != 4 {
		t.Errorf("%d runs kept, %d before, %d in all", len(first), res.Before, len(all))
	}
	for k, r := range first {
		if !reflect.DeepEqual(all[k], r) {
			t.Errorf("run %s was redone", k)
		}
	}
}

// TestRunTakesFolder: a sweep holds its folder (a second Run or Merge
// into it gets a *safeio.LockedError), removes the temporary files that
// killed writers left in it, but not those of a subfolder that holds a
// lock of its own, and leaves no folder behind when its input is bad.
func TestRunTakesFolder(t *testing.T) {
	s := parse(t, xorSpec(t, 2))
	out := filepath.Join(t.TempDir(), "sw")
	stray := filepath.Join(out, PointDir, ".p0000-s1.json.tmp123")
	other := filepath.Join(out, "other", ".x.tmp7")
	for _, p := range []string{stray, other, filepath.Join(out, "other", safeio.LockFile)} {
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
	}
	var le *safeio.LockedError
	_, err := Run(context.Background(), s, Options{Out: out, Jobs: 1, AfterRun: func(done int) {
		if done > 1 {
			return
		}
		if _, err := Run(context.Background(), s, Options{Out: out}); !errors.As(err, &le) || le.Dir != out {
			t.Errorf("a second sweep into the folder: %v", err)
		}
		if _, err := Merge([]string{out}, out, io.Discard); !errors.As(err, &le) {
			t.Errorf("a merge into the folder: %v", err)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stray); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s is left: %v", stray, err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("the temporary file of a folder with its own lock was removed: %v", err)
	}
	bad := parse(t, xorSpec(t, 2))
	bad.Axes[0].Path = "training.device.kind"
	bad.Axes[0].Values = []any{"no-such-kind"}
	none := filepath.Join(t.TempDir(), "none")
	var ie *run.InputError
	if _, err := Run(context.Background(), bad, Options{Out: none}); !errors.As(err, &ie) {
		t.Errorf("a bad point: %v", err)
	}
	if _, err := os.Stat(none); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a sweep of bad input left its folder: %v", err)
	}
}

func TestShards(t *testing.T) {
	for _, tc := range []struct {
		text, want, err string
	}{
		{"0/1", "0/1", ""}, {"3/4", "3/4", ""}, {" 1 / 2 ", "1/2", ""},
		{"4/4", "", "0 <= I < N"}, {"-1/4", "", "0 <= I < N"}, {"1", "", "want I/N"}, {"a/b", "", "0 <= I < N"},
	} {
		s, err := ParseShard(tc.text)
		if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) || tc.err == "" && (err != nil || s.String() != tc.want) {
			t.Errorf("ParseShard(%q) = %v, %v", tc.text, s, err)
		}
	}
	for _, tc := range []struct {
		env   map[string]string
		count int
		want  string
		ok    bool
		err   string
	}{
		{env: nil},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"}, want: "3/4", ok: true},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"}, want: "3/4", ok: true},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"}, ok: true, err: "0 <= I < N"},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "4"}, ok: true, err: "not an integer"},
		{env: map[string]string{"JOB_COMPLETION_INDEX": "2"}, count: 3, want: "2/3", ok: true},
		{env: map[string]string{"JOB_COMPLETION_INDEX": "2"}, ok: true, err: "JOB_COMPLETION_INDEX is set"},
	} {
		s, ok, err := ShardFromEnv(func(k string) string { return tc.env[k] }, tc.count)
		bad := ok != tc.ok || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) ||
			tc.err == "" && (err != nil || tc.ok && s.String() != tc.want)
		if bad {
			t.Errorf("%v, count %d: %v %v %v", tc.env, tc.count, s, ok, err)
		}
	}
}

// readCSV returns the rows of the CSV file at path, its header first.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("%s: %d rows, %v", path, len(rows), err)
	}
	return rows
}

// columns maps the names of the header of rows to their columns.
func columns(rows [][]string) map[string]int {
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	return col
}
