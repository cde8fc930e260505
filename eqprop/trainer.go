package eqprop

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/eqsim/eqsim/eqprop/device"
	"github.com/eqsim/eqsim/internal/par"
)

// Trainer trains a Physical network by mini-batch stochastic gradient
// descent on its conductances, with the gradient estimated by
// Equilibrium Propagation (or CHL, or coupled learning) from measurements
// only. After each mini-batch of m samples every conductance of block k
// moves as
//
//	G <- clip(G - lr_k * grad / m, GMin, GMax),
//
// grad being the estimate summed over the batch (so the step follows the
// mean gradient and the learning rate does not depend on the batch size)
// and lr_k the block's learning rate in the epoch (Config.Rate:
// Config.LearningRates by block name, else Config.LearningRate, times
// Config.LRDecay once for every epoch before). With Config.Device set, the change
// -lr_k * grad / m is instead applied by the block's device.Array.
//
// The samples of a batch relax in parallel on Config.Workers replicas of
// the network (Physical.Clone). Each worker only relaxes and records the
// measurements of the samples it takes; one goroutine then reduces them in
// sample order. With a network that implements Resetter, which the
// trainer resets before every sample, the result is bit for bit the same
// for any number of workers, and an interrupted epoch resumed from State
// ends where the uninterrupted one would.
//
// With Config.Sense, every measurement is read through its noise and ADC
// before it reaches the estimator or the training metrics.
//
// A Trainer is not safe for concurrent use.
type Trainer struct {
	cfg    Config
	reps   []Physical // reps[0] is the network given to NewTrainer
	blocks []Block
	nOut   int
	est    plan // with a nil Target; each slot has its own

	slots []slot
	// Per block: conductances (the trainer's copy of what is programmed),
	// the gradient (with Config.Device only) and the reduction's work
	// space.
	g, grad  [][]float64
	dev      []*device.Array // per block; nil without Config.Device
	p, q     [][]float64     // Rows x (2*BatchSize+2) and (2*BatchSize+2) x Cols
	row, col [][]float64
	band     [][]float64 // per replica: updateRows x the largest Cols
	// direct[k] says that g[k] is the network's own storage (InPlace).
	direct []bool
	// Per block: the sums of the new conductances along each row and
	// column, and per band of updateRows rows its column sums.
	rowSums, colSums, bandCols [][]float64
	plans                      []updatePlan
	// xNext holds the features of the next batch while its products
	// are computed with the update (Batched).
	xNext [][]float64

	// par runs the parallel sections, one worker per replica.
	par par.Group

	epoch, batch int
	lossSum      float64
	errs, seen   int
	cost         Cost // summed over the epoch's samples so far
}

// slot holds one sample of a batch: its target and what its relaxations
// measured.
type slot struct {
	x      []float64 // the sample's features
	y      []float64
	label  int
	index  int // the sample's index in the data set
	plan   plan
	out    []float64
	m1, m2 *Measurement
	sense  *sensor
	cost   Cost // what the sample's relaxations cost (Metered)
	err    error
}

// EpochStats summarises an epoch of training.
type EpochStats struct {
	// Epoch is the number of the epoch, counting from 1.
	Epoch int
	// TrainLoss is the mean over the epoch's samples of the free-phase
	// loss sum_k (V_out,k - y_k)^2 / 2 in V^2, and TrainError the fraction
	// of them misclassified, both measured before each batch's update.
	TrainLoss, TrainError float64
	// Samples is the number of samples of the epoch seen so far.
	Samples int
	// Seconds is the wall time of this call to Epoch and
	// SamplesPerSecond the samples it trained on per second.
	Seconds, SamplesPerSecond float64
	// EnergyPerSample (joules) and ChipTimePerSample (seconds) are the
	// mean cost on the chip of the epoch's samples: every phase of a
	// sample, settling and measurement windows included (see Metered);
	// zero for a network that does not report them.
	EnergyPerSample, ChipTimePerSample float64
}

// NewTrainer returns a trainer of net with the settings cfg (zero fields
// meaning their defaults). It makes cfg.Workers-1 clones of net. It
// returns an error if cfg is invalid, names learning rates of blocks net
// does not have, or its readout does not fit net's outputs.
func NewTrainer(net Physical, cfg Config) (*Trainer, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	t := &Trainer{cfg: cfg, reps: []Physical{net}, blocks: net.Blocks(), nOut: net.Outputs()}
	if cfg.Readout.Differential && t.nOut%2 != 0 {
		return nil, fmt.Errorf("eqprop: a differential readout needs an even number of outputs, not %d", t.nOut)
	}
	for name := range cfg.LearningRates {
		found := false
		for _, b := range t.blocks {
			found = found || b.Name == name
		}
		if !found {
			return nil, fmt.Errorf("eqprop: learning rate for %q: the network has no such block", name)
		}
	}
	for _, b := range t.blocks {
		t.g = append(t.g, make([]float64, b.Rows*b.Cols))
		if cfg.Device != nil {
			t.grad = append(t.grad, make([]float64, b.Rows*b.Cols))
		}
		t.p = append(t.p, make([]float64, (2*cfg.BatchSize+2)*b.Rows))
		t.q = append(t.q, make([]float64, (2*cfg.BatchSize+2)*b.Cols))
		t.row = append(t.row, make([]float64, b.Rows))
		t.rowSums = append(t.rowSums, make([]float64, b.Rows))
		t.colSums = append(t.colSums, make([]float64, b.Cols))
		t.bandCols = append(t.bandCols, make([]float64, (b.Rows+updateRows-1)/updateRows*b.Cols))
		t.col = append(t.col, make([]float64, b.Cols))
	}
	t.direct = make([]bool, len(t.blocks))
	for k := range t.blocks {
		net.ConductancesTo(t.g[k], k)
		if ip, ok := net.(InPlace); ok && cfg.Device == nil {
			if d := ip.ConductanceData(k); len(d) == len(t.g[k]) {
				t.g[k], t.direct[k] = d, true
			}
		}
	}
	if cfg.Device != nil {
		p := cfg.deviceParams()
		for k, b := range t.blocks {
			a, err := device.New(p, b.Rows*b.Cols, mix(cfg.Seed, uint64(k)))
			if err != nil {
				return nil, fmt.Errorf("eqprop: %w", err)
			}
			a.Program(t.g[k])
			net.Program(k, t.g[k])
			t.dev = append(t.dev, a)
		}
	}
	for range cfg.Workers - 1 {
		r, err := net.Clone()
		if err != nil {
			return nil, fmt.Errorf("eqprop: cloning the network: %w", err)
		}
		t.reps = append(t.reps, r)
	}
	t.par.W = len(t.reps)
	cols := 0
	for _, b := range t.blocks {
		cols = max(cols, b.Cols)
	}
	for range t.reps {
		t.band = append(t.band, make([]float64, updateRows*cols))
	}
	t.est = newPlan(cfg.Estimator, cfg, nil)
	if t.est.rates != nil {
		if _, ok := net.(Learner); !ok {
			return nil, fmt.Errorf("eqprop: estimator %q: the network cannot learn in time", Continuous)
		}
		t.est.rates = make([]float64, len(t.blocks))
	}
	t.slots = make([]slot, cfg.BatchSize)
	t.xNext = make([][]float64, cfg.BatchSize)
	for i := range t.xNext {
		t.xNext[i] = make([]float64, net.Features())
	}
	for i := range t.slots {
		s := &t.slots[i]
		s.x = make([]float64, net.Features())
		s.y = make([]float64, t.nOut)
		s.out = make([]float64, t.nOut)
		s.m1 = NewMeasurement(t.blocks, t.nOut)
		s.m2 = NewMeasurement(t.blocks, t.nOut)
		s.plan = newPlan(cfg.Estimator, cfg, s.y)
		s.plan.rates = t.est.rates
		s.sense = sensorFor(cfg.Sense, cfg.Seed, net)
	}
	return t, nil
}

// Config returns the trainer's settings, defaults applied.
func (t *Trainer) Config() Config { return t.cfg }

// check returns an error if set does not fit the network and readout.
func (t *Trainer) check(set *Set) error {
	if set.Features != t.reps[0].Features() {
		return fmt.Errorf("eqprop: data set %q has %d features, the network %d inputs", set.Name, set.Features, t.reps[0].Features())
	}
	if err := set.CheckShift(t.cfg.Shift); err != nil {
		return fmt.Errorf("eqprop: %w", err)
	}
	if err := set.CheckFlip(t.cfg.Flip); err != nil {
		return fmt.Errorf("eqprop: %w", err)
	}
	if c := t.cfg.Readout.Classes(t.nOut); set.Classes > c {
		return fmt.Errorf("eqprop: data set %q has %d classes, the readout of %d outputs only %d", set.Name, set.Classes, t.nOut, c)
	}
	return nil
}

// permutation returns the order of the samples in epoch e (0-based).
func (t *Trainer) permutation(e, n int) []int {
	return rand.New(rand.NewPCG(t.cfg.Seed, uint64(e))).Perm(n)
}

// Epoch runs the current epoch over train, or resumes it at State().Batch:
// the samples shuffled by a PCG seeded from (Config.Seed, epoch), cut into
// batches of Config.BatchSize (the last one may be smaller), each relaxed
// and followed by an update. progress, if not nil, is called after every
// batch with the samples of the epoch done and their total.
//
// If ctx is cancelled, Epoch stops after the current batch and returns the
// statistics so far with ctx.Err(); State is then consistent, and a fresh
// Trainer given it by Restore continues to the identical result. A failed
// relaxation stops the epoch before the batch's update, with an error
// naming the sample.
func (t *Trainer) Epoch(ctx context.Context, train *Set, progress func(done, total int)) (st EpochStats, err error) {
	t.par.With(func() { st, err = t.runEpoch(ctx, train, progress) })
	return st, err
}

// runEpoch is Epoch.
func (t *Trainer) runEpoch(ctx context.Context, train *Set, progress func(done, total int)) (EpochStats, error) {
	start := time.Now()
	if err := t.check(train); err != nil {
		return EpochStats{}, err
	}
	n, bs := train.Len(), t.cfg.BatchSize
	nb := (n + bs - 1) / bs
	if t.batch > nb {
		return EpochStats{}, fmt.Errorf("eqprop: state is at batch %d of an epoch of %d batches", t.batch, nb)
	}
	perm := t.permutation(t.epoch, n)
	if t.est.rates != nil {
		// The slots' plans share this slice.
		learningRates(t.est.rates, t.blocks, t.cfg, t.est.c, t.epoch)
	}
	trained := 0
	stats := func() EpochStats {
		sec := time.Since(start).Seconds()
		s := EpochStats{Epoch: t.epoch + 1, Samples: t.seen, Seconds: sec}
		if t.seen > 0 {
			s.TrainLoss = t.lossSum / float64(t.seen)
			s.TrainError = float64(t.errs) / float64(t.seen)
			s.EnergyPerSample = t.cost.Energy / float64(t.seen)
			s.ChipTimePerSample = t.cost.Time / float64(t.seen)
		}
		if sec > 0 {
			s.SamplesPerSecond = float64(trained) / sec
		}
		return s
	}
	bt, batched := t.reps[0].(Batched)
	merge := batched && t.inPlace()
	prepared := false // the products of this batch were computed with the last update
	for t.batch < nb {
		if err := ctx.Err(); err != nil {
			return stats(), err
		}
		lo, hi := t.batch*bs, min((t.batch+1)*bs, n)
		slots := t.slots[:hi-lo]
		for i := range slots {
			s := &slots[i]
			s.index = perm[lo+i]
			s.label = train.Labels[s.index]
		}
		t.relax(slots, train, prepared)
		for i := range slots {
			if err := slots[i].err; err != nil {
				return stats(), fmt.Errorf("eqprop: epoch %d, sample %d: %w", t.epoch+1, perm[lo+i], err)
			}
		}
		for i := range slots {
			s := &slots[i]
			t.lossSum += loss(s.out, s.y)
			t.cost.Add(s.cost)
			if t.cfg.Readout.Predict(s.out) != s.label {
				t.errs++
			}
		}
		// The next batch's products are computed in the update's
		// parallel section, each worker's right after its rows.
		var next func(r, w int)
		nlo, nhi := hi, min(hi+bs, n)
		prepared = merge && nlo < nhi
		var first func(r, w int)
		if prepared {
			nn := nhi - nlo
			for i := range nn {
				bt.BatchInput(i, t.xNext[i])
			}
			// The workers read the next samples first, each a share,
			// and wait for all of them only after their updates.
			var read atomic.Int64
			first = func(r, w int) {
				for i := r; i < nn; i += w {
					t.sampleTo(t.xNext[i], train, perm[nlo+i])
				}
				read.Add(1)
			}
			next = func(r, w int) {
				for read.Load() != int64(w) {
				}
				t.reps[r].(Batched).BatchStripes(nn, r, w)
			}
		}
		t.update(slots, first, next)
		if prepared {
			for i := range nhi - nlo {
				t.slots[i].x, t.xNext[i] = t.xNext[i], t.slots[i].x
			}
		}
		t.seen += len(slots)
		trained += len(slots)
		t.batch++
		if progress != nil {
			progress(hi, n)
		}
	}
	st := stats()
	t.epoch++
	t.batch, t.lossSum, t.errs, t.seen, t.cost = 0, 0, 0, 0, Cost{}
	return st, nil
}

// sampleTo writes training sample i of set into dst as this epoch shows it.
func (t *Trainer) sampleTo(dst []float64, set *Set, i int) {
	if t.cfg.Shift == 0 && !t.cfg.Flip {
		set.SampleTo(dst, i)
	} else {
		dx, dy := t.move(i)
		set.MovedTo(dst, i, dx, dy, t.mirrored(i))
	}
	t.dropInputs(dst, i)
}

// dropInputs sets each feature of training sample i to 0 with probability
// Config.InputDropout and multiplies the others by 1/(1 - InputDropout), so that
// each feature keeps its mean (inverted dropout), drawn from the seed, the
// epoch and i alone: the same for any number of workers and on a resume.
func (t *Trainer) dropInputs(x []float64, i int) {
	p := t.cfg.InputDropout
	if p == 0 {
		return
	}
	rng := rand.New(rand.NewPCG(mix(t.cfg.Seed^0x44726f70, uint64(t.epoch)<<32|uint64(i)), 0)) // "Drop"
	keep := 1 / (1 - p)
	for j := range x {
		if rng.Float64() < p {
			x[j] = 0
		} else {
			x[j] *= keep
		}
	}
}

// mirrored reports whether this epoch mirrors training sample i
// (Config.Flip), from the seed, the epoch and i alone. Its own hash, so
// that turning Flip on leaves every move of Shift as it was.
func (t *Trainer) mirrored(i int) bool {
	if !t.cfg.Flip {
		return false
	}
	return mix(t.cfg.Seed^0x466c6970, uint64(t.epoch)<<32|uint64(i))&1 == 1 // "Flip"
}

// move returns how far this epoch moves training sample i across and
// down (Config.Shift), from the seed, the epoch and i alone.
func (t *Trainer) move(i int) (dx, dy int) {
	sh := t.cfg.Shift
	n := uint64(2*sh + 1)
	h := mix(t.cfg.Seed^0x5368696674, uint64(t.epoch)<<32|uint64(i)) // "Shift"
	return int(h%n) - sh, int((h>>32)%n) - sh
}

// loss returns sum_k (out_k - y_k)^2 / 2.
func loss(out, y []float64) float64 {
	l := 0.0
	for k, v := range out {
		d := v - y[k]
		l += d * d / 2
	}
	return l
}

// relax reads every slot's sample from set (unless prepared: the
// samples are in the slots and their products were computed, see
// Batched) and runs its relaxations on the replicas in parallel. Which replica takes which slot does not
// matter: each slot's measurements depend only on its sample and the
// conductances, and their read noise only on the seed, the epoch, the
// sample's index and the phase.
func (t *Trainer) relax(slots []slot, set *Set, prepared bool) {
	_, batched := t.reps[0].(Batched)
	if batched && !prepared {
		for i := range slots {
			s := &slots[i]
			t.sampleTo(s.x, set, s.index)
			t.reps[0].(Batched).BatchInput(i, s.x)
		}
		t.par.Run(func(r, w int) { t.reps[r].(Batched).BatchStripes(len(slots), r, w) })
	}
	t.par.Each(len(slots), func(r, i int) {
		s := &slots[i]
		if batched {
			t.reps[r].(Batched).UseBatch(i)
		} else {
			t.sampleTo(s.x, set, s.index)
		}
		t.cfg.Readout.TargetTo(s.y, s.label)
		if s.sense != nil {
			s.sense.key = senseKey(t.epoch, s.index)
		}
		s.err = s.plan.run(s.out, s.m1, s.m2, t.reps[r], s.x, s.sense)
		s.cost = Cost{}
		meter(&s.cost, t.reps[r])
	})
}

// mix returns a well-mixed 64-bit function of seed and x (splitmix64's
// finaliser), so that nearby seeds and indices give unrelated streams.
func mix(seed, x uint64) uint64 {
	z := seed + 0x9e3779b97f4a7c15*(x+1)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// PowerMeter is implemented by physical systems that measure the power
// their sources deliver: Power returns it in watts at the equilibrium of
// the last relaxation.
type PowerMeter interface {
	Power() float64
}

// Evaluation is the outcome of testing a network on a set.
type Evaluation struct {
	// Loss is the mean free-phase loss in V^2, Error the fraction of
	// samples misclassified.
	Loss, Error float64
	// MeanPower is the mean over the samples of the power in watts that
	// the sources deliver at the free equilibrium (PowerMeter), NaN if
	// the network does not measure it.
	MeanPower float64
	// EnergyPerInference (joules) and ChipTimePerInference (seconds) are
	// the mean over the samples of what the free phase cost on the chip
	// (Metered): its settling and measurement window with the transient
	// method, its DC power over the window with the equilibrium method
	// (zero without a window), as EpochStats counts every phase of a
	// training sample; zero for a network that does not report them.
	EnergyPerInference, ChipTimePerInference float64
}

// Evaluate returns the mean free-phase loss (V^2) of set's samples and the
// fraction of them misclassified, as EvaluateSet does.
func (t *Trainer) Evaluate(ctx context.Context, set *Set) (lossMean, errorRate float64, err error) {
	e, err := t.EvaluateSet(ctx, set)
	return e.Loss, e.Error, err
}

// EvaluateSet returns the mean free-phase loss (V^2) of set's samples, the
// fraction of them misclassified, the mean power and the mean cost of an
// inference on the chip, relaxing them in
// parallel on the replicas. The output voltages are read through Config.Sense, the noise
// of sample i drawn from a stream of the seed and i alone: Evaluate
// depends on the conductances and set only, not on the epoch or the
// workers. It returns ctx.Err() if ctx is cancelled, and an error naming
// the sample if a relaxation fails.
func (t *Trainer) EvaluateSet(ctx context.Context, set *Set) (e Evaluation, err error) {
	t.par.With(func() { e, err = t.evaluateSet(ctx, set) })
	return e, err
}

// evaluateSet is EvaluateSet.
func (t *Trainer) evaluateSet(ctx context.Context, set *Set) (Evaluation, error) {
	if err := t.check(set); err != nil {
		return Evaluation{}, err
	}
	n := set.Len()
	if n == 0 {
		return Evaluation{}, errors.New("eqprop: empty data set")
	}
	losses := make([]float64, n)
	powers := make([]float64, n)
	costs := make([]Cost, n)
	wrong := make([]bool, n)
	errs := make([]error, n)
	xs := make([][]float64, len(t.reps))
	ys := make([][]float64, len(t.reps))
	ms := make([]*Measurement, len(t.reps))
	sns := make([]*sensor, len(t.reps))
	for r := range t.reps {
		xs[r] = make([]float64, set.Features)
		ys[r] = make([]float64, t.nOut)
		ms[r] = NewMeasurement(t.blocks, t.nOut)
		sns[r] = sensorFor(t.cfg.Sense, t.cfg.Seed, t.reps[r])
	}
	t.par.Each(n, func(r, i int) {
		if ctx.Err() != nil {
			errs[i] = ctx.Err()
			return
		}
		net := t.reps[r]
		if rs, ok := net.(Resetter); ok {
			rs.Reset()
		}
		net.SetInput(set.SampleTo(xs[r], i))
		if err := net.Relax(Phase{Kind: Free}); err != nil {
			errs[i] = err
			return
		}
		sn := sns[r]
		if sn != nil {
			sn.key = senseKey(0, i)
		}
		keyNoise(net, sn, senseEval)
		net.Measure(ms[r])
		powers[i] = math.NaN()
		if pm, ok := net.(PowerMeter); ok {
			powers[i] = pm.Power()
		}
		meter(&costs[i], net)
		sn.readOutputs(ms[r].Outputs, senseEval)
		t.cfg.Readout.TargetTo(ys[r], set.Labels[i])
		losses[i] = loss(ms[r].Outputs, ys[r])
		wrong[i] = t.cfg.Readout.Predict(ms[r].Outputs) != set.Labels[i]
	})
	if err := ctx.Err(); err != nil {
		return Evaluation{}, err
	}
	nerr := 0
	var lossSum, powerSum float64
	var cost Cost
	for i := range n {
		if errs[i] != nil {
			return Evaluation{}, fmt.Errorf("eqprop: sample %d: %w", i, errs[i])
		}
		lossSum += losses[i]
		powerSum += powers[i]
		cost.Add(costs[i])
		if wrong[i] {
			nerr++
		}
	}
	m := float64(n)
	return Evaluation{Loss: lossSum / m, Error: float64(nerr) / m, MeanPower: powerSum / m,
		EnergyPerInference: cost.Energy / m, ChipTimePerInference: cost.Time / m}, nil
}
