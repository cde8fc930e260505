package safeio

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
)

// JournalFile is the name, in a locked folder, of the journal of a commit
// that is decided but maybe not finished; see Commit.
const JournalFile = ".eqsim-commit"

// journalVersion is the version of the journal format.
const journalVersion = 1

// Output is one file of a commit.
type Output struct {
	// Name is the file's path in the locked folder, with slashes:
	// "metrics.csv", "checkpoint/state.json".
	Name string
	// Write writes the file's content to w.
	Write func(w io.Writer) error
}

// Bytes returns the Output named name that holds b.
func Bytes(name string, b []byte) Output {
	return Output{Name: name, Write: func(w io.Writer) error { _, err := w.Write(b); return err }}
}

// Commit writes files into the locked folder at their names, and removes
// the files named in remove, as one step that a crash or a kill cannot
// leave half done: once the folder is locked again (by this or the next
// run), it holds either all the files of the commit and none of remove,
// or the files as they were before Commit. The files have mode 0644 (as
// those of package atomicfile); missing subfolders are created with 0755.
//
// The invariant: while no journal file (JournalFile) is in the folder,
// the files at their names are those of one commit. Commit first writes
// every file to a temporary file beside its destination (named by
// TempPattern), syncs it and the folders; then it writes the journal,
// which lists every destination, its temporary file, size and SHA-256, and
// the files to remove, and syncs it into place by a rename: that rename
// is the moment the commit happens. Only then does it rename the temporary
// files over their destinations, remove the files of remove, sync the
// folders and remove the journal. A crash before the journal is in place
// leaves the old files untouched and temporary files that Lock removes; a
// crash after it leaves a journal, from which Lock finishes the commit,
// checking every file against its SHA-256 (a file no longer at its
// temporary name must be at its destination with that content).
//
// Programs that read the folder without locking it may see, for the
// milliseconds of the renames, files of two commits; and the guarantee
// needs the file system to keep the order of a sync and a rename, as
// Linux's local file systems do. Commit returns an error for a failed
// write; if it fails after the commit happened, the journal stays and the
// next Commit or Lock finishes it.
//
// Commit panics on a name that is empty, absolute, not clean, leads out
// of the folder, is a temporary name (IsTemp), the lock file or the
// journal, or appears twice in files and remove together.
func (l *DirLock) Commit(files []Output, remove []string) error {
	return l.commit(files, remove, true)
}

// CommitUnsynced is Commit without its syncs, for commits too frequent to
// pay a dozen syncs each (a checkpoint after every epoch of a short
// epoch). Against the end of the process, by a kill too, it is as
// atomic as Commit: the OS keeps what was written and renamed. A crash of
// the machine (a power failure) may lose it, and a crash during it may
// leave a journal that Lock cannot complete, refusing the folder until
// the journal is deleted (which keeps the files as they are, those of
// the commits before it and maybe some of its own). Follow a series of
// them with a Commit to make the last one durable.
func (l *DirLock) CommitUnsynced(files []Output, remove []string) error {
	return l.commit(files, remove, false)
}

// commit is Commit, with the syncs if sync.
func (l *DirLock) commit(files []Output, remove []string, sync bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held()
	checkNames(files, remove)
	// A commit that failed after it happened must be finished before a
	// new journal replaces its own.
	if _, err := l.completeCommit(); err != nil {
		return err
	}
	j := &journal{Version: journalVersion, Remove: remove}
	var temps []string
	fail := func(err error) error {
		for _, t := range temps {
			os.Remove(t)
		}
		return err
	}
	dirs := map[string]bool{l.dir: true}
	for _, f := range files {
		dest := l.path(f.Name)
		if fi, err := os.Lstat(dest); err == nil && fi.IsDir() {
			return fail(fmt.Errorf("commit %s: it is a folder", dest))
		}
		for d := path.Dir(f.Name); d != "."; d = path.Dir(d) {
			dirs[l.path(d)] = true
		}
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			return fail(fmt.Errorf("commit %s: %w", dest, err))
		}
		temp, size, sum, err := stage(dest, f.Write, sync)
		if temp != "" {
			temps = append(temps, temp)
		}
		if err != nil {
			return fail(fmt.Errorf("commit %s: %w", dest, err))
		}
		j.Files = append(j.Files, journalFile{
			Name: f.Name, Temp: path.Join(path.Dir(f.Name), filepath.Base(temp)), Size: size, SHA256: sum,
		})
	}
	for d := range dirs {
		if !sync {
			break
		}
		if err := syncDir(d); err != nil {
			return fail(fmt.Errorf("commit: sync %s: %w", d, err))
		}
	}
	crashPoint("staged")
	if placed, err := l.writeJournal(j, sync); err != nil {
		if !placed {
			return fail(err)
		}
		return err
	}
	crashPoint("journal")
	return l.apply(j, make([]bool, len(j.Files)), sync)
}

// stage writes a temporary file beside dest through write, syncs it if
// sync, and returns its path (also on error, if it was created), size and
// hex SHA-256.
func stage(dest string, write func(w io.Writer) error, sync bool) (temp string, size int64, sum string, err error) {
	f, err := os.CreateTemp(filepath.Dir(dest), TempPattern(filepath.Base(dest)))
	if err != nil {
		return "", 0, "", err
	}
	h := sha256.New()
	bw := bufio.NewWriterSize(f, 1<<16)
	cw := &countWriter{w: io.MultiWriter(bw, h)}
	err = write(cw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil && sync {
		err = f.Sync()
	}
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return f.Name(), cw.n, hex.EncodeToString(h.Sum(nil)), err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// journal is the content of JournalFile.
type journal struct {
	Version int           `json:"version"`
	Files   []journalFile `json:"files"`
	Remove  []string      `json:"remove,omitempty"`
}

type journalFile struct {
	// Name is the destination and Temp the temporary file, with slashes,
	// relative to the folder.
	Name   string `json:"name"`
	Temp   string `json:"temp"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// writeJournal writes j into place atomically, and durably if sync.
// placed says whether it reached its place (even if the sync after
// failed).
func (l *DirLock) writeJournal(j *journal, sync bool) (placed bool, err error) {
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return false, err
	}
	dest := l.path(JournalFile)
	temp, _, _, err := stage(dest, func(w io.Writer) error { _, err := w.Write(b); return err }, sync)
	if err == nil {
		crashPoint("journal-staged")
		err = os.Rename(temp, dest)
	}
	if err != nil {
		if temp != "" {
			os.Remove(temp)
		}
		return false, fmt.Errorf("commit: write %s: %w", dest, err)
	}
	if !sync {
		return true, nil
	}
	if err := syncDir(l.dir); err != nil {
		return true, fmt.Errorf("commit: sync %s: %w", l.dir, err)
	}
	return true, nil
}

// apply finishes the decided commit j, syncing if sync: done[i] says that
// the i-th file is already at its destination.
func (l *DirLock) apply(j *journal, done []bool, sync bool) error {
	dirs := map[string]bool{l.dir: true}
	for i, f := range j.Files {
		dest := l.path(f.Name)
		dirs[filepath.Dir(dest)] = true
		if done[i] {
			continue
		}
		if err := os.Rename(l.path(f.Temp), dest); err != nil {
			return fmt.Errorf("commit: %w (the next run in %s completes the commit)", err, l.dir)
		}
		crashPoint(fmt.Sprintf("renamed %d", i))
	}
	for _, name := range j.Remove {
		p := l.path(name)
		dirs[filepath.Dir(p)] = true
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("commit: %w (the next run in %s completes the commit)", err, l.dir)
		}
	}
	crashPoint("removed")
	for d := range dirs {
		if !sync {
			break
		}
		if err := syncDir(d); err != nil {
			return fmt.Errorf("commit: sync %s: %w", d, err)
		}
	}
	crashPoint("synced")
	if err := os.Remove(l.path(JournalFile)); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if !sync {
		return nil
	}
	if err := syncDir(l.dir); err != nil {
		return fmt.Errorf("commit: sync %s: %w", l.dir, err)
	}
	return nil
}

// completeCommit finishes the commit whose journal is in the folder, if
// any, and returns the names of its files. It checks the journal and every
// file before it renames any, and leaves the folder as it is if one is
// wrong.
func (l *DirLock) completeCommit() ([]string, error) {
	jpath := l.path(JournalFile)
	b, err := ReadFile(jpath, MaxState)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: the journal of an interrupted commit: %s; it cannot be completed (delete the journal to keep the files as they are)", jpath, fmt.Sprintf(format, args...))
	}
	j := &journal{}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(j); err != nil {
		return nil, bad("%v", err)
	}
	if j.Version != journalVersion {
		return nil, bad("version %d, this eqsim reads version %d", j.Version, journalVersion)
	}
	var files []Output
	for _, f := range j.Files {
		files = append(files, Output{Name: f.Name})
		if path.Clean(f.Temp) != f.Temp || path.Dir(f.Temp) != path.Dir(f.Name) || !IsTemp(path.Base(f.Temp)) {
			return nil, bad("temporary file %q of %q", f.Temp, f.Name)
		}
	}
	if msg := namesProblem(files, j.Remove); msg != "" {
		return nil, bad("%s", msg)
	}
	done := make([]bool, len(j.Files))
	var names []string
	for i, f := range j.Files {
		names = append(names, f.Name)
		size, sum, err := fileSum(l.path(f.Temp))
		if errors.Is(err, fs.ErrNotExist) {
			// Renamed before the kill: the destination must be the file.
			done[i] = true
			size, sum, err = fileSum(l.path(f.Name))
		}
		if err != nil {
			return nil, bad("%v", err)
		}
		if size != f.Size || sum != f.SHA256 {
			what := f.Temp
			if done[i] {
				what = f.Name
			}
			return nil, bad("%s is not the file it names (%d bytes, SHA-256 %s; the journal says %d bytes, %s)", what, size, sum, f.Size, f.SHA256)
		}
	}
	if err := l.apply(j, done, true); err != nil {
		return nil, err
	}
	return names, nil
}

// fileSum returns the size and hex SHA-256 of the file at p.
func fileSum(p string) (int64, string, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return n, hex.EncodeToString(h.Sum(nil)), err
}

// path returns the path of the slash-separated name in the folder.
func (l *DirLock) path(name string) string {
	return filepath.Join(l.dir, filepath.FromSlash(name))
}

// checkNames panics on names Commit refuses.
func checkNames(files []Output, remove []string) {
	if msg := namesProblem(files, remove); msg != "" {
		panic("safeio: Commit: " + msg)
	}
	for _, f := range files {
		if f.Write == nil {
			panic("safeio: Commit: no Write for " + f.Name)
		}
	}
}

// namesProblem says what is wrong with the names of a commit, or "".
func namesProblem(files []Output, remove []string) string {
	names := make([]string, 0, len(files)+len(remove))
	for _, f := range files {
		names = append(names, f.Name)
	}
	names = append(names, remove...)
	for _, n := range names {
		if !validName(n) {
			return fmt.Sprintf("file name %q", n)
		}
	}
	slices.Sort(names)
	for i := 1; i < len(names); i++ {
		if names[i] == names[i-1] {
			return fmt.Sprintf("file %q twice", names[i])
		}
	}
	return ""
}

// validName reports whether name is a clean, local, slash-separated path
// that is neither a temporary file nor one of the folder's own files.
func validName(name string) bool {
	if name == "" || path.Clean(name) != name || !filepath.IsLocal(filepath.FromSlash(name)) {
		return false
	}
	base := path.Base(name)
	return !IsTemp(base) && name != LockFile && name != JournalFile
}

// crashHook, if not nil, is called at each step of a commit; the test of
// kills kills its process there.
var crashHook func(step string)

func crashPoint(step string) {
	if crashHook != nil {
		crashHook(step)
	}
}
