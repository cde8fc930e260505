package dataset

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/eqprop"
)

func TestXOR(t *testing.T) {
	train, test, err := Load(Spec{Name: "xor"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*eqprop.Set{train, test} {
		if s.Len() != 4 || s.Features != 2 || s.Classes != 2 {
			t.Fatalf("got %d samples of %d features, %d classes", s.Len(), s.Features, s.Classes)
		}
		for i := range s.Len() {
			x := s.Sample(i)
			a, b := int(x[0]), int(x[1])
			if float64(a) != x[0] || float64(b) != x[1] || a < 0 || a > 1 || b < 0 || b > 1 || s.Labels[i] != a^b {
				t.Errorf("sample %d: %v label %d", i, x, s.Labels[i])
			}
		}
	}
	// The two sets are independent copies.
	train.X[0] = 7
	if test.X[0] == 7 {
		t.Error("train and test share memory")
	}
}

func TestLoadSpecErrors(t *testing.T) {
	for _, tc := range []struct {
		spec Spec
		want string
	}{
		{Spec{}, "no data set named"},
		{Spec{Name: "cifar"}, `unknown data set "cifar" (want one of mnist, fashion-mnist, xor, csv)`},
		{Spec{Name: "xor", TrainSubset: -1}, "negative subset size"},
	} {
		if _, _, err := Load(tc.spec); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got error %v, want one containing %q", tc.spec, err, tc.want)
		}
	}
	train, test, err := Load(Spec{Name: " XOR ", TrainSubset: 3, TestSubset: 10})
	if err != nil || train.Len() != 3 || test.Len() != 4 {
		t.Errorf("subsets of xor: %v", err)
	}
}

// loadReal loads a real data set from its default place, skipping the test
// when its files are absent.
func loadReal(t *testing.T, name string) (train, test *eqprop.Set) {
	t.Helper()
	t.Setenv(EnvData, "")
	train, test, err := Load(Spec{Name: name})
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return train, test
}

func TestRealSets(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		trainFirst, testFirst int
	}{
		{"mnist", 5, 7},
		{"fashion-mnist", 9, 9}, // ankle boots
	} {
		t.Run(tc.name, func(t *testing.T) {
			train, test := loadReal(t, tc.name)
			for _, c := range []struct {
				s        *eqprop.Set
				n, first int
			}{{train, 60000, tc.trainFirst}, {test, 10000, tc.testFirst}} {
				s := c.s
				if s.Len() != c.n || s.Features != 784 || s.Classes != 10 || len(s.Codes) != c.n*784 || s.X != nil {
					t.Fatalf("got %d samples of %d features, %d classes, %d codes, %d float64s", s.Len(), s.Features, s.Classes, len(s.Codes), len(s.X))
				}
				if s.Labels[0] != c.first {
					t.Errorf("first label %d, want %d", s.Labels[0], c.first)
				}
				var count [10]int
				for _, l := range s.Labels {
					count[l]++ // panics if out of range
				}
				if slices.Min(count[:]) < c.n/20 {
					t.Errorf("class counts %v", count)
				}
				lo, hi := 1.0, 0.0
				x := make([]float64, s.Features)
				for i := range s.Len() {
					for _, v := range s.SampleTo(x, i) {
						lo, hi = min(lo, v), max(hi, v)
					}
				}
				if lo != 0 || hi != 1 {
					t.Errorf("pixels in [%g, %g], want [0, 1]", lo, hi)
				}
			}
		})
	}
}

func BenchmarkLoadMNIST(b *testing.B) {
	if _, _, err := Load(Spec{Name: "mnist"}); err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		if _, _, err := Load(Spec{Name: "mnist"}); err != nil {
			b.Fatal(err)
		}
	}
}
