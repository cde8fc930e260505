package sweep

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Shard is the part of a sweep one process runs: the runs whose number
// (in the order of Spec.Tasks) is I modulo N. The zero Shard is the whole
// sweep.
type Shard struct{ I, N int }

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.I, max(s.N, 1)) }

func (s Shard) has(k int) bool { return s.N <= 1 || k%s.N == s.I }

// ParseShard parses "I/N", 0 <= I < N.
func ParseShard(text string) (Shard, error) {
	is, ns, ok := strings.Cut(text, "/")
	if !ok {
		return Shard{}, errors.New("want I/N, e.g. 0/4")
	}
	return shard(is, ns)
}

func shard(is, ns string) (Shard, error) {
	i, err1 := strconv.Atoi(strings.TrimSpace(is))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	if err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("want shard I of N with 0 <= I < N, got %q of %q", is, ns)
	}
	return Shard{i, n}, nil
}

// ErrNoCount says that a Kubernetes Indexed Job's index is set but the
// number of shards was not given.
var ErrNoCount = errors.New("JOB_COMPLETION_INDEX is set: give the number of shards (the Job's completions)")

// ShardFromEnv returns the shard of a cluster job from its environment:
// a SLURM job array (SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, less
// SLURM_ARRAY_TASK_MIN, since arrays may start at 1), else a Kubernetes
// Indexed Job (JOB_COMPLETION_INDEX) of count shards (count 0: not given,
// an error wrapping ErrNoCount). ok is false when neither is set.
func ShardFromEnv(getenv func(string) string, count int) (s Shard, ok bool, err error) {
	if id := getenv("SLURM_ARRAY_TASK_ID"); id != "" {
		cnt := getenv("SLURM_ARRAY_TASK_COUNT")
		if cnt == "" {
			return Shard{}, true, errors.New("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not")
		}
		k, err := strconv.Atoi(id)
		if err != nil {
			return Shard{}, true, fmt.Errorf("SLURM_ARRAY_TASK_ID %q is not an integer", id)
		}
		if m := getenv("SLURM_ARRAY_TASK_MIN"); m != "" {
			lo, err := strconv.Atoi(m)
			if err != nil {
				return Shard{}, true, fmt.Errorf("SLURM_ARRAY_TASK_MIN %q is not an integer", m)
			}
			k -= lo
		}
		s, err := shard(strconv.Itoa(k), cnt)
		if err != nil {
			return Shard{}, true, fmt.Errorf("SLURM_ARRAY_TASK_ID: %w", err)
		}
		return s, true, nil
	}
	if idx := getenv("JOB_COMPLETION_INDEX"); idx != "" {
		if count == 0 {
			return Shard{}, true, ErrNoCount
		}
		s, err := shard(idx, strconv.Itoa(count))
		if err != nil {
			return Shard{}, true, fmt.Errorf("JOB_COMPLETION_INDEX: %w", err)
		}
		return s, true, nil
	}
	return Shard{}, false, nil
}
