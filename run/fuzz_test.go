package run

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzParseCheckpoint checks that parseCheckpoint never panics, and that
// every state it accepts is consistent (its epoch matches its metric
// rows, its numbers are finite and in range) and reads back the same once
// written.
func FuzzParseCheckpoint(f *testing.F) {
	ck := Checkpoint{Version: 1, Seq: 3, Netlist: "/x/y.toml", NetlistSHA256: "abc",
		Settings: Settings{Dataset: "xor", Beta: 1e-6, LearningRates: map[string]float64{"W1": 1e-12}},
		Epoch:    2, Batch: 1, LossSum: 0.25, Errors: 1, Seen: 4, Seconds: 1.5,
		Blocks: []checkpointBlock{{Name: "W1", Rows: 6, Cols: 4, File: "g0.3.npy"}, {Name: "W2", Rows: 6, Cols: 2, File: "g1.3.npy"}},
		Rows:   []Metrics{{Epoch: 1, TrainLoss: 0.1, TrainError: 0.5, TestLoss: 0.2, TestError: 0.25, Seconds: 1}, {Epoch: 2, Seconds: 1.4}}}
	b, _ := json.MarshalIndent(ck, "", "  ")
	f.Add(b)
	ck.Pending, ck.Rows, ck.Batch, ck.Seen, ck.Errors = &Metrics{Epoch: 2}, ck.Rows[:1], 0, 0, 0
	b, _ = json.Marshal(ck)
	f.Add(b)
	f.Add([]byte(`{"version": 1, "epoch": 1000000, "rows": [{"epoch": 1}]}`))
	f.Add([]byte(`{"version": 2}`))
	f.Add([]byte(`{"version": 1} {}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ck, err := parseCheckpoint(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		done := len(ck.Rows)
		if ck.Pending != nil {
			done++
		}
		if ck.Epoch != done || ck.Errors > ck.Seen || !finite(ck.LossSum) || len(ck.Blocks) == 0 {
			t.Fatalf("accepted an inconsistent state: %+v", ck)
		}
		b, err := json.Marshal(ck)
		if err != nil {
			t.Fatal(err)
		}
		back, err := parseCheckpoint(b)
		if err != nil {
			t.Fatalf("written back, the state is refused: %v", err)
		}
		if !reflect.DeepEqual(back, ck) {
			t.Fatalf("read back %+v, want %+v", back, ck)
		}
	})
}
