package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/internal/safeio"
)

// loadCSV reads the training and test sets of a "csv" data set. With test
// empty, every fifth sample of train is held out (see Spec).
func loadCSV(trainPath, testPath string) (train, test *eqprop.Set, err error) {
	if trainPath == "" {
		return nil, nil, errors.New("dataset csv: no training file given")
	}
	train, err = readCSVFile(trainPath)
	if err != nil {
		return nil, nil, err
	}
	if testPath == "" {
		train, test = holdOut(train, 5)
		if test.Len() == 0 {
			return nil, nil, fmt.Errorf("dataset csv: %s has %d samples, too few to hold out every fifth as the test set; give a test file", trainPath, train.Len())
		}
	} else {
		test, err = readCSVFile(testPath)
		if err != nil {
			return nil, nil, err
		}
		if test.Features != train.Features {
			return nil, nil, fmt.Errorf("dataset csv: %s has %d features, %s has %d", testPath, test.Features, trainPath, train.Features)
		}
	}
	classes := max(train.Classes, test.Classes)
	train.Classes, test.Classes = classes, classes
	return train, test, nil
}

// holdOut splits s into the samples whose 1-based index is not a multiple
// of k and those whose index is.
func holdOut(s *eqprop.Set, k int) (rest, held *eqprop.Set) {
	rest = &eqprop.Set{Name: s.Name, Source: s.Source, Features: s.Features, Classes: s.Classes}
	held = &eqprop.Set{Name: s.Name, Source: s.Source, Features: s.Features, Classes: s.Classes}
	for i := range s.Len() {
		dst := rest
		if (i+1)%k == 0 {
			dst = held
		}
		dst.X = append(dst.X, s.X[i*s.Features:(i+1)*s.Features]...)
		dst.Labels = append(dst.Labels, s.Labels[i])
	}
	return rest, held
}

// readCSVFile reads a CSV file of features then label per row: a regular
// file of at most safeio.MaxCSV bytes, else a *safeio.Error names it.
func readCSVFile(path string) (*eqprop.Set, error) {
	f, err := safeio.Open(path, safeio.MaxCSV)
	if err != nil {
		return nil, fmt.Errorf("dataset csv: %w", err)
	}
	defer f.Close()
	s, err := readCSV(f, path)
	if err != nil {
		return nil, fmt.Errorf("dataset csv: %w", err)
	}
	return s, nil
}

// readCSV parses CSV rows of features then label; name labels the errors.
// A row of more than MaxFeatures+1 fields is refused before it is split.
func readCSV(r io.Reader, name string) (*eqprop.Set, error) {
	cr := csv.NewReader(newFieldLimiter(r, name, MaxFeatures+1))
	cr.Comment = '#'
	cr.FieldsPerRecord = -1 // checked here, with a better message
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true

	s := &eqprop.Set{Name: "csv", Source: name}
	firstLine := 0 // line of the first data row
	for row := 0; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var (
				se *safeio.Error
				fe *fieldsError
				pe *csv.ParseError
			)
			switch {
			case errors.As(err, &se):
				return nil, se // it names the file
			case errors.As(err, &fe):
				return nil, fe
			case errors.As(err, &pe):
				return nil, fmt.Errorf("%s:%d: %v", name, pe.Line, pe.Err)
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if row == 0 && isHeader(rec) {
			continue
		}
		if firstLine == 0 {
			if len(rec) < 2 {
				return nil, fmt.Errorf("%s:%d: only %d field, want at least one feature and a label", name, line, len(rec))
			}
			s.Features = len(rec) - 1
			firstLine = line
		}
		if len(rec) != s.Features+1 {
			return nil, fmt.Errorf("%s:%d: %d fields, want %d as on line %d", name, line, len(rec), s.Features+1, firstLine)
		}
		for j, field := range rec[:s.Features] {
			v, err := strconv.ParseFloat(strings.TrimSpace(field), 64)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: field %d, %q, is not a number", name, line, j+1, field)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s:%d: field %d, %q, is not a finite number", name, line, j+1, field)
			}
			s.X = append(s.X, v)
		}
		label, err := parseLabel(rec[s.Features])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: label (field %d): %v", name, line, s.Features+1, err)
		}
		s.Labels = append(s.Labels, label)
		s.Classes = max(s.Classes, label+1)
	}
	if s.Len() == 0 {
		return nil, fmt.Errorf("%s: no data rows", name)
	}
	return s, nil
}

// isHeader reports whether a first row is a header: one of its fields is
// not a number.
func isHeader(rec []string) bool {
	for _, field := range rec {
		if _, err := strconv.ParseFloat(strings.TrimSpace(field), 64); err != nil {
			return true
		}
	}
	return false
}

// maxLabel bounds labels so that a typo cannot ask for millions of outputs.
const maxLabel = 1<<16 - 1

// parseLabel parses a class label: a non-negative integer, written as such
// or as a float with no fractional part ("3.0").
func parseLabel(field string) (int, error) {
	field = strings.TrimSpace(field)
	v, err := strconv.Atoi(field)
	if err != nil {
		f, ferr := strconv.ParseFloat(field, 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > maxLabel+1 {
			return 0, fmt.Errorf("%q is not an integer", field)
		}
		v = int(f)
	}
	switch {
	case v < 0:
		return 0, fmt.Errorf("%d is negative", v)
	case v > maxLabel:
		return 0, fmt.Errorf("%d is larger than %d", v, maxLabel)
	}
	return v, nil
}
