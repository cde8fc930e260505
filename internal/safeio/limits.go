package safeio

import (
	"fmt"
	"strconv"
)

// Size limits of the files eqsim reads, in bytes. Each bounds the memory a
// read may take: a file at its limit is larger than any real input eqsim
// knows of, but small enough that parsing it fits in the memory of a
// laptop. A limit that is one of these constants is named in the messages
// of a TooLarge Error ("over the limit of 1 GiB for CSV data files").
const (
	// MaxNetlist bounds a TOML netlist or sweep spec: 64 MiB. Both are
	// written by people or by eqsim, which puts conductance arrays in .npy
	// sidecars; a 784-1024-10 network with its 800,000 conductances written
	// inline (about 24 bytes each, 20 MB) still fits three times over.
	MaxNetlist = 64 << 20

	// MaxCSV bounds a CSV data file: 1 GiB. A value of the file becomes a
	// float64 of 8 bytes, and a value takes at least 2 bytes of text ("0,"),
	// so a full file may take 4 GiB in memory; MNIST written as CSV is about
	// 110 MB, a tenth of the limit.
	MaxCSV = 1 << 30

	// MaxIDX bounds an IDX data file (MNIST, Fashion-MNIST), both the file
	// and, when it is gzip-compressed, the data decompressed from it (see
	// NewLimitedReader): 256 MiB. Every byte of an image becomes a float64,
	// so a full file takes 2 GiB in memory; the 60,000 training images of
	// MNIST are 47 MB.
	MaxIDX = 256 << 20

	// MaxNpy bounds a .npy file (a netlist's sidecar, a checkpoint's
	// conductances): 80,065,536 bytes, the 10,000,000 float64 values of
	// netlist.MaxWeights (all crossbar conductances of the largest allowed
	// netlist) and 64 KiB for the header.
	MaxNpy = 10_000_000*8 + 64<<10

	// MaxState bounds the JSON state eqsim writes for itself: a
	// checkpoint's state.json, a sweep's plan, a commit journal: 16 MiB. A
	// checkpoint grows by about 200 bytes an epoch; 16 MiB holds 80,000
	// epochs.
	MaxState = 16 << 20
)

// limitNames says what the limits above are for. Their values differ, so
// that a limit names itself.
var limitNames = map[int64]string{
	MaxNetlist: "netlists and sweep specs",
	MaxCSV:     "CSV data files",
	MaxIDX:     "IDX data files (uncompressed)",
	MaxNpy:     ".npy files",
	MaxState:   "JSON state files",
}

// formatSize formats n bytes with binary units: "3.2 GiB", "64 MiB",
// "512 bytes".
func formatSize(n int64) string {
	const units = "KMGTPE"
	if n < 1024 {
		return strconv.FormatInt(n, 10) + " bytes"
	}
	x, u := float64(n)/1024, 0
	for x >= 1023.95 && u < len(units)-1 { // what would print as 1024.0
		x /= 1024
		u++
	}
	s := strconv.FormatFloat(x, 'f', 1, 64)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return fmt.Sprintf("%s %ciB", s, units[u])
}

// formatSizes formats a size and a limit so that they differ when the
// numbers do: exact bytes when the rounded forms would read the same.
func formatSizes(size, limit int64) (string, string) {
	s, l := formatSize(size), formatSize(limit)
	if s == l && size != limit {
		s = strconv.FormatInt(size, 10) + " bytes"
		l = strconv.FormatInt(limit, 10) + " bytes (" + l + ")"
	}
	return s, l
}
