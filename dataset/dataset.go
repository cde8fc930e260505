package dataset

import (
	"fmt"
	"math"
	"strings"

	"github.com/eqsim/eqsim/eqprop"
)

// Spec says which data set to load and where from.
type Spec struct {
	// Name is one of "mnist", "fashion-mnist", "xor" and "csv" (case does
	// not matter). An empty Name with Train set means "csv".
	Name string

	// Train and Test are the paths of the training and test CSV files of a
	// "csv" data set; other data sets ignore them. Each row holds the
	// features of one sample followed by its label, a non-negative integer
	// ("3" or "3.0"). Every row has the same number of fields. Lines that
	// start with '#' and empty lines are skipped. The first row is taken as
	// a header, and skipped, when one of its fields is not a number. Classes
	// is one more than the largest label in either file.
	//
	// When Test is empty, every fifth row of Train (the 5th, 10th, ...
	// sample) is held out as the test set and the others form the training
	// set, so that files sorted by class still give a test set of every
	// class.
	Train, Test string

	// Dir, if not empty, is a folder that holds the IDX files of "mnist"
	// and "fashion-mnist" (see the package documentation). When Dir is
	// empty the environment variable EQSIM_DATA plays its role; when both
	// are empty the files come from their default places.
	Dir string

	// TrainSubset and TestSubset, when positive, keep only the first so
	// many samples of the training and test sets. Zero, or a number larger
	// than the set, keeps all of them.
	TrainSubset, TestSubset int

	// Offset is subtracted from every feature of both sets, so that the
	// inputs swing about it rather than about 0: Fashion-MNIST's mean
	// pixel is 0.286. A blank pixel then reads -Offset (eqprop.Set.Blank).
	// 0 leaves the features as they are.
	Offset float64
	// OffsetMean subtracts from each feature instead its own mean over
	// the whole training set (before TrainSubset), in both sets
	// (eqprop.Set.Offsets): the part of every image that all images
	// share. It excludes Offset.
	OffsetMean bool
}

// EnvData is the environment variable that names a folder of IDX files when
// Spec.Dir is empty.
const EnvData = "EQSIM_DATA"

// Names returns the names of the data sets Load knows.
func Names() []string { return []string{"mnist", "fashion-mnist", "xor", "csv"} }

// Load reads the training and test sets that spec describes. Its errors
// name the file at fault; when IDX files are not found, errors.Is(err,
// fs.ErrNotExist) holds and the message says how to get them, and a file
// that cannot be read gives a *safeio.Error (see the package
// documentation).
func Load(spec Spec) (train, test *eqprop.Set, err error) {
	if spec.TrainSubset < 0 || spec.TestSubset < 0 {
		return nil, nil, fmt.Errorf("dataset: negative subset size (train %d, test %d)", spec.TrainSubset, spec.TestSubset)
	}
	if math.IsNaN(spec.Offset) || math.IsInf(spec.Offset, 0) {
		return nil, nil, fmt.Errorf("dataset: offset %v is not a finite number", spec.Offset)
	}
	if spec.OffsetMean && spec.Offset != 0 {
		return nil, nil, fmt.Errorf("dataset: an offset of %v and the features' means: choose one", spec.Offset)
	}
	name := strings.ToLower(strings.TrimSpace(spec.Name))
	if name == "" && spec.Train != "" {
		name = "csv"
	}
	switch name {
	case "mnist", "fashion-mnist":
		train, test, err = loadIDXSets(name, spec.Dir)
	case "xor":
		train, test = xor(), xor()
	case "csv":
		train, test, err = loadCSV(spec.Train, spec.Test)
	case "":
		return nil, nil, fmt.Errorf("dataset: no data set named (want one of %s)", strings.Join(Names(), ", "))
	default:
		return nil, nil, fmt.Errorf("dataset: unknown data set %q (want one of %s)", spec.Name, strings.Join(Names(), ", "))
	}
	if err != nil {
		return nil, nil, err
	}
	var m []float64
	if spec.OffsetMean {
		m = means(train)
	}
	train, test = train.Subset(spec.TrainSubset), test.Subset(spec.TestSubset)
	train, test = offset(train, spec.Offset), offset(test, spec.Offset)
	train.Offsets, test.Offsets = m, m
	return train, test, nil
}

// xor returns the four XOR patterns.
func xor() *eqprop.Set {
	return &eqprop.Set{
		Name:     "xor",
		Features: 2,
		Classes:  2,
		X:        []float64{0, 0, 0, 1, 1, 0, 1, 1},
		Labels:   []int{0, 1, 1, 0},
	}
}
