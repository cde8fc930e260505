//go:build unix

package safeio

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The tests that need a second process run this test binary again with
// SAFEIO_CHILD set to a role and SAFEIO_DIR to a folder; TestMain plays
// the role instead of running the tests.
func TestMain(m *testing.M) {
	if role := os.Getenv("SAFEIO_CHILD"); role != "" {
		dir := os.Getenv("SAFEIO_DIR")
		switch role {
		case "hold":
			childHold(dir)
		case "try":
			childTry(dir)
		case "commit":
			childCommit(dir)
		}
		fmt.Fprintln(os.Stderr, "unknown role", role)
		os.Exit(3)
	}
	os.Exit(m.Run())
}

// childHold locks dir, says so and waits to be killed.
func childHold(dir string) {
	if _, err := Lock(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Println("locked")
	time.Sleep(time.Hour)
	os.Exit(0)
}

// tryResult is what childTry prints.
type tryResult struct {
	Locked bool   `json:"locked"`
	PID    int    `json:"pid"`
	Msg    string `json:"msg"`
	Err    string `json:"err"`
	// Seconds is the time Lock took.
	Seconds float64 `json:"seconds"`
}

// childTry tries to lock dir and prints the outcome as JSON.
func childTry(dir string) {
	var r tryResult
	start := time.Now()
	l, err := Lock(dir)
	sec := time.Since(start).Seconds()
	var le *LockedError
	switch {
	case errors.As(err, &le):
		r = tryResult{Locked: true, PID: le.PID, Msg: err.Error()}
	case err != nil:
		r.Err = err.Error()
	default:
		l.Unlock()
	}
	r.Seconds = sec
	json.NewEncoder(os.Stdout).Encode(r)
	os.Exit(0)
}

// childCommit locks dir, says which generation it holds, and commits the
// following generations until it is killed, saying after each that it
// returned. With SAFEIO_CRASH_AT set it kills itself with SIGKILL at that
// step of its first commit; with SAFEIO_UNSYNCED=1 it commits with
// CommitUnsynced.
func childCommit(dir string) {
	unsynced = os.Getenv("SAFEIO_UNSYNCED") == "1"
	l, err := Lock(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	g, err := readGeneration(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	if at := os.Getenv("SAFEIO_CRASH_AT"); at != "" {
		crashHook = func(step string) {
			if step == at {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}
		}
	}
	fmt.Printf("ready %d\n", g)
	for {
		g++
		if err := commitGeneration(l, g); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		fmt.Printf("committed %d\n", g)
	}
}

// Generation g of the test's run folder: a.txt, sub/b.txt (64 KiB, so that
// a kill can land inside a write), checkpoint/state.json and
// checkpoint/gG.bin, which replaces the file of the generation before.
func generationFiles(g int) map[string]string {
	return map[string]string{
		"a.txt":                              fmt.Sprintf("gen %d\n", g),
		"sub/b.txt":                          fmt.Sprintf("gen %d\n", g) + strings.Repeat(strconv.Itoa(g%10), 64<<10),
		"checkpoint/state.json":              fmt.Sprintf("{\"gen\": %d}\n", g),
		fmt.Sprintf("checkpoint/g%d.bin", g): fmt.Sprintf("g%d", g),
	}
}

// unsynced makes commitGeneration use CommitUnsynced.
var unsynced bool

func commitGeneration(l *DirLock, g int) error {
	files := generationFiles(g)
	var out []Output
	for _, name := range []string{"a.txt", "sub/b.txt", fmt.Sprintf("checkpoint/g%d.bin", g), "checkpoint/state.json"} {
		out = append(out, Bytes(name, []byte(files[name])))
	}
	var remove []string
	if g > 1 {
		remove = []string{fmt.Sprintf("checkpoint/g%d.bin", g-1)}
	}
	if unsynced {
		return l.CommitUnsynced(out, remove)
	}
	return l.Commit(out, remove)
}

// readGeneration returns the generation of a.txt, 0 if there is none.
func readGeneration(dir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dir, "a.txt"))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var g int
	_, err = fmt.Sscanf(string(b), "gen %d\n", &g)
	return g, err
}

// checkGeneration checks that dir holds exactly one generation's files,
// no temporary file and no journal, and returns the generation.
func checkGeneration(t *testing.T, dir string) int {
	t.Helper()
	g, err := readGeneration(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	if g > 0 {
		want = generationFiles(g)
	}
	got := map[string]string{}
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == LockFile {
			return nil
		}
		b, err := os.ReadFile(p)
		got[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("generation %d: %s holds %.20q, want %.20q", g, name, got[name], w)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("generation %d: %s should not be there", g, name)
		}
	}
	return g
}

// child is a running child process and the lines of its stdout.
type child struct {
	cmd   *exec.Cmd
	lines chan string
}

// startChild runs this test binary in role on dir with the extra
// environment variables env.
func startChild(t *testing.T, role, dir string, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{"SAFEIO_CHILD=" + role, "SAFEIO_DIR=" + dir}, env...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, lines: make(chan string, 1<<16)}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		io.Copy(io.Discard, out)
		close(c.lines)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return c
}

// line returns the child's next line of output, failing the test after
// 10 s without one.
func (c *child) line(t *testing.T) string {
	t.Helper()
	select {
	case s, ok := <-c.lines:
		if !ok {
			t.Fatalf("child %d ended without the line expected", c.cmd.Process.Pid)
		}
		return s
	case <-time.After(10 * time.Second):
		t.Fatalf("no line from child %d in 10 s", c.cmd.Process.Pid)
	}
	return ""
}

// kill kills the child with SIGKILL, waits for it and returns the lines
// it wrote that were not read yet.
func (c *child) kill(t *testing.T) []string {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatal(err)
	}
	return c.wait(t)
}

// wait waits for the child to end and returns the lines it wrote that
// were not read yet; it kills the child and fails the test if the child
// is still running after 10 s.
func (c *child) wait(t *testing.T) []string {
	t.Helper()
	var rest []string
	timeout := time.After(10 * time.Second)
	for {
		select {
		case s, ok := <-c.lines:
			if ok {
				rest = append(rest, s)
				continue
			}
			c.cmd.Wait()
			return rest
		case <-timeout:
			c.cmd.Process.Kill()
			t.Fatalf("child %d still running after 10 s", c.cmd.Process.Pid)
		}
	}
}
