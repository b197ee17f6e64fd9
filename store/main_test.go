package store

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"switchboard/monitor"
)

// A test that needs a second process re-runs this test binary with
// childRole set; TestMain then plays that role instead of running tests.
const (
	childRole = "STORE_TEST_CHILD"
	childDir  = "STORE_TEST_DIR"
)

func TestMain(m *testing.M) {
	switch os.Getenv(childRole) {
	case "":
		goleak.VerifyTestMain(m)
	case "hold":
		os.Exit(holdChild(os.Getenv(childDir)))
	case "commit":
		os.Exit(commitChild(os.Getenv(childDir)))
	default:
		fmt.Fprintln(os.Stderr, "unknown child role", os.Getenv(childRole))
		os.Exit(3)
	}
}

// holdChild opens the store, says "held", and keeps it until stdin closes.
func holdChild(dir string) int {
	s, err := Open(dir, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("held")
	_, _ = io.Copy(io.Discard, os.Stdin)
	if err := s.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// commitChild commits decision after decision, continuing from what the
// store holds, and prints "ok i" once Commit has returned for decision i,
// as the API acknowledges an order. It runs until killed.
func commitChild(dir string) int {
	s, err := Open(dir, Options{LoadEvents: 1, Now: newClock().Now})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	r, err := s.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	next := uint64(1)
	if r.State != nil {
		next = r.State.Seq + 1
	}
	for i := next; i < next+100000; i++ {
		if err := s.Commit(decision(i)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Printf("ok %d\n", i) // unbuffered: a write(2) per line
	}
	return 0
}

// decision i is what the monitor commits for an operator's i-th order:
// the state it leaves and the event that records it.
func decision(i uint64) (*monitor.Persisted, []monitor.Event) {
	at := newClock().now.Add(time.Duration(i) * time.Second)
	name := fmt.Sprintf("p%d", i)
	state := &monitor.Persisted{SavedAt: at, Seq: i, Active: name, Pinned: name,
		Providers: []monitor.PersistedProvider{{Name: name, Enabled: true, State: monitor.StateUp, Since: at}}}
	ev := monitor.Event{Seq: i, At: at, Kind: monitor.EventOperator, Provider: name,
		Cause: "pinned by operator", Actor: monitor.ActorOperator}
	return state, []monitor.Event{ev}
}

// child is a second process running this test binary in a role.
type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines *bufio.Scanner
}

// startChild starts the child; ctx bounds its life, so a hung child
// fails the test instead of hanging it.
func startChild(ctx context.Context, t *testing.T, role, dir string) *child {
	t.Helper()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childRole+"="+role, childDir+"="+dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("%s child's stderr:\n%s", role, stderr.String())
		}
	})
	return &child{cmd: cmd, stdin: stdin, lines: bufio.NewScanner(stdout)}
}

// expect reads the child's next line and fails unless it is want.
func (c *child) expect(t *testing.T, want string) {
	t.Helper()
	if !c.lines.Scan() {
		t.Fatalf("child ended before saying %q: %v", want, c.lines.Err())
	}
	if got := c.lines.Text(); got != want {
		t.Fatalf("child said %q, want %q", got, want)
	}
}

// clock is a settable Options.Now for simulated time.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time          { return c.now }
func (c *clock) advance(d time.Duration) { c.now = c.now.Add(d) }

func newClock() *clock { return &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

// open opens a store in dir for a test and closes it at cleanup.
func open(t testing.TB, dir string, opts Options) *Store {
	t.Helper()
	if opts.FlushInterval == 0 {
		opts.FlushInterval = time.Hour // tests flush by hand
	}
	if opts.Now == nil {
		opts.Now = newClock().Now // retention must not depend on today's date
	}
	s, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func load(t testing.TB, s *Store) *monitor.Restored {
	t.Helper()
	r, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	return r
}
