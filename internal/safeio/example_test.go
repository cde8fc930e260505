//go:build unix

package safeio_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/eqsim/eqsim/internal/safeio"
)

func ExampleReadFile() {
	_, err := safeio.ReadFile("/dev/null", safeio.MaxNetlist)
	fmt.Println(err)
	var e *safeio.Error
	if errors.As(err, &e) {
		fmt.Println(e.Kind)
	}
	// Output:
	// /dev/null: not a regular file (a character device)
	// not a regular file
}

func ExampleNewLimitedReader() {
	// 1 MiB of zeros compresses to about 1 KiB.
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(make([]byte, 1<<20))
	zw.Close()

	zr, err := gzip.NewReader(&z)
	if err != nil {
		log.Fatal(err)
	}
	n, err := io.Copy(io.Discard, safeio.NewLimitedReader(zr, "train-images-idx3-ubyte.gz", 64<<10))
	fmt.Println(n, err)
	// Output:
	// 65536 train-images-idx3-ubyte.gz: over the limit of 64 KiB
}

func ExampleLock() {
	dir, err := os.MkdirTemp("", "run")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	l, err := safeio.Lock(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Unlock()
	_, err = safeio.Lock(dir)
	var le *safeio.LockedError
	fmt.Println(errors.As(err, &le), le.PID == os.Getpid())
	// Output:
	// true true
}

func ExampleDirLock_Commit() {
	dir, err := os.MkdirTemp("", "run")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	l, err := safeio.Lock(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Unlock()
	for epoch := 1; epoch <= 2; epoch++ {
		err := l.Commit([]safeio.Output{
			safeio.Bytes("metrics.csv", fmt.Appendf(nil, "epoch\n%d\n", epoch)),
			safeio.Bytes(fmt.Sprintf("checkpoint/g.%d.npy", epoch), nil),
			safeio.Bytes("checkpoint/state.json", fmt.Appendf(nil, `{"epoch": %d, "file": "g.%d.npy"}`, epoch, epoch)),
		}, []string{fmt.Sprintf("checkpoint/g.%d.npy", epoch-1)})
		if err != nil {
			log.Fatal(err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "checkpoint", "state.json"))
	fmt.Println(string(b))
	ents, _ := os.ReadDir(filepath.Join(dir, "checkpoint"))
	for _, e := range ents {
		fmt.Println(e.Name())
	}
	// Output:
	// {"epoch": 2, "file": "g.2.npy"}
	// g.2.npy
	// state.json
}
