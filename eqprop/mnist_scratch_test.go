package eqprop

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/eqprop/dataset"
)

type mnOpts struct {
	hidden              int
	polarity            bool
	w1lo, w1hi          float64
	w2lo, w2hi          float64
	rail, gain          float64
	diff                bool
	high, low           float64
	lr1, lr2, beta      float64
	batch               int
	nudge               NudgeKind
	train, test, epochs int
	seed                uint64
}

func mnNet(o mnOpts) (*circuit.Circuit, NativeConfig) {
	rng := rand.New(rand.NewPCG(o.seed, 99))
	nout := 10
	if o.diff {
		nout = 20
	}
	x := circuit.Group{Name: "x", Size: 1568}
	h := circuit.Group{Name: "h", Size: o.hidden}
	a := circuit.Group{Name: "a", Size: o.hidden}
	y := circuit.Group{Name: "y", Size: nout}
	w1 := mat.NewDense(1568, o.hidden, nil)
	for k := range o.hidden {
		p := 2*rng.Float64() - 1
		for i := range 784 {
			if o.polarity {
				w1.Set(i, k, o.w1lo+(o.w1hi-o.w1lo)*rng.Float64()*(1+p)/2)
				w1.Set(784+i, k, o.w1lo+(o.w1hi-o.w1lo)*rng.Float64()*(1-p)/2)
			} else {
				w1.Set(i, k, o.w1lo+(o.w1hi-o.w1lo)*rng.Float64())
				w1.Set(784+i, k, o.w1lo+(o.w1hi-o.w1lo)*rng.Float64())
			}
		}
	}
	w2 := mat.NewDense(o.hidden, nout, nil)
	for k := range o.hidden {
		for j := range nout {
			w2.Set(k, j, o.w2lo+(o.w2hi-o.w2lo)*rng.Float64())
		}
	}
	c := &circuit.Circuit{Groups: []circuit.Group{x, h, a, y}}
	c.Add(
		&circuit.Input{Name: "in", Nodes: x.Nodes(), Differential: true, Amplitude: 1, Values: make([]float64, 784)},
		&circuit.VSource{Name: "VHI", Nodes: [2]string{"vhi", circuit.Ground}, V: -o.rail},
		&circuit.VSource{Name: "VLO", Nodes: [2]string{"vlo", circuit.Ground}, V: o.rail},
		&circuit.Crossbar{Name: "W1", From: x.Nodes(), To: h.Nodes(), G: w1, Trainable: true},
		&circuit.Rectifier{Name: "D", Nodes: h.Nodes(), Model: circuit.KendallDiode, High: "vhi", Low: "vlo"},
		&circuit.Amplifier{Name: "A", From: h.Nodes(), To: a.Nodes(), Gain: o.gain},
		&circuit.Crossbar{Name: "W2", From: a.Nodes(), To: y.Nodes(), G: w2, Trainable: true},
	)
	return c, NativeConfig{Input: "in", Outputs: y.Nodes(), Nudge: o.nudge}
}

func parseOpts(s string) mnOpts {
	o := mnOpts{hidden: 100, polarity: true, w1lo: 1e-7, w1hi: 1e-6, w2lo: 1e-7, w2hi: 1e-6, rail: 0.5, gain: 4,
		high: 0.1, low: -0.1, lr1: 1e-12, lr2: 1e-12, beta: 1e-6, batch: 20, train: 10000, test: 2000, epochs: 1, seed: 1}
	for _, kv := range strings.Fields(s) {
		k, v, _ := strings.Cut(kv, "=")
		f, _ := strconv.ParseFloat(v, 64)
		switch k {
		case "hidden":
			o.hidden = int(f)
		case "polarity":
			o.polarity = v == "1"
		case "w1lo":
			o.w1lo = f
		case "w1hi":
			o.w1hi = f
		case "w2lo":
			o.w2lo = f
		case "w2hi":
			o.w2hi = f
		case "rail":
			o.rail = f
		case "gain":
			o.gain = f
		case "diff":
			o.diff = v == "1"
		case "high":
			o.high = f
		case "low":
			o.low = f
		case "lr1":
			o.lr1 = f
		case "lr2":
			o.lr2 = f
		case "beta":
			o.beta = f
		case "batch":
			o.batch = int(f)
		case "nudge":
			if v == "g" {
				o.nudge = NudgeConductance
			}
		case "train":
			o.train = int(f)
		case "test":
			o.test = int(f)
		case "epochs":
			o.epochs = int(f)
		case "seed":
			o.seed = uint64(f)
		default:
			panic("unknown option " + k)
		}
	}
	return o
}

func TestMNISTScratch(t *testing.T) {
	spec := os.Getenv("EQSIM_MNIST")
	if spec == "" {
		t.Skip()
	}
	for _, line := range strings.Split(spec, ";") {
		o := parseOpts(line)
		train, test, err := dataset.Load(dataset.Spec{Name: "mnist", TrainSubset: o.train, TestSubset: o.test})
		if err != nil {
			t.Fatal(err)
		}
		c, nc := mnNet(o)
		n := mustNative(t, c, nc)
		tr, err := NewTrainer(n, Config{BatchSize: o.batch, Beta: o.beta, LearningRates: map[string]float64{"W1": o.lr1, "W2": o.lr2},
			Readout: Readout{Differential: o.diff, High: o.high, Low: o.low}, GMin: 1e-9, GMax: 1e-4})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		l0, e0, _ := tr.Evaluate(ctx, test)
		out := fmt.Sprintf("[%s] init test %.4f/%.3f |", line, l0, e0)
		t0 := time.Now()
		for ep := 0; ep < o.epochs; ep++ {
			chunks := ""
			st, err := tr.Epoch(ctx, train, func(done, total int) {
				if done%(total/5) < o.batch && done != total {
					s := tr.State()
					chunks += fmt.Sprintf(" %.3f", float64(s.Errors)/float64(s.Seen))
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			l, e, _ := tr.Evaluate(ctx, test)
			out += fmt.Sprintf(" ep%d train %.4f/%.4f (%s) test %.4f/%.4f %.0f/s |", ep+1, st.TrainLoss, st.TrainError, chunks, l, e, st.SamplesPerSecond)
		}
		s := tr.State()
		g1 := mat.NewDense(1568, o.hidden, s.Conductances[0])
		out += fmt.Sprintf(" W1 range %.3g..%.3g %v", mat.Min(g1), mat.Max(g1), time.Since(t0).Round(time.Second))
		fmt.Println(out)
	}
}
