package store

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

var killCycles = flag.Int("kill-cycles", 50, "SIGKILL cycles in TestCommitSurvivesSIGKILL")

// TestCommitSurvivesSIGKILL: a child commits decision after decision and
// prints "ok i" once Commit has returned for decision i, as the API
// acknowledges an order; the parent kills it with SIGKILL after a random
// number of acknowledgements (sometimes before the first, during Open),
// reopens the directory and must find every acknowledged decision. The
// cycles share one directory, so each also restarts from what a killed
// process left.
func TestCommitSurvivesSIGKILL(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	dir := t.TempDir()
	var acked uint64 // the highest decision acknowledged so far
	var last uint64  // the decision the file held after the last cycle
	unprinted := 0   // cycles killed between a Commit and its "ok"
	for cycle := range *killCycles {
		after := rng.IntN(25) // acknowledgements before the kill
		printed := killAfter(t, dir, after)
		for k, i := range printed {
			// The child goes on from what the file holds, which may be
			// one decision past the last acknowledged.
			if i != last+1+uint64(k) {
				t.Fatalf("cycle %d: child acknowledged %d, want %d", cycle, i, last+1+uint64(k))
			}
			acked = i
		}

		s := open(t, dir, Options{LoadEvents: 1 << 20})
		r := load(t, s)
		if acked > 0 && (r.State == nil || r.State.Seq < acked) {
			t.Fatalf("cycle %d: decision %d was acknowledged, the state restored is %+v", cycle, acked, r.State)
		}
		// Every event up to the stored state is there, in order: the
		// acknowledged ones and at most one committed but not yet printed.
		if r.State != nil {
			last = r.State.Seq
		}
		if last > acked+1 {
			t.Fatalf("cycle %d: state at %d, only %d acknowledged", cycle, last, acked)
		}
		if last == acked+1 {
			unprinted++
		}
		if uint64(len(r.Events)) != last {
			t.Fatalf("cycle %d: %d events restored, want %d", cycle, len(r.Events), last)
		}
		for k, e := range r.Events {
			if e.Seq != uint64(k+1) || e.Provider != fmt.Sprintf("p%d", e.Seq) {
				t.Fatalf("cycle %d: event %d is %+v", cycle, k+1, e)
			}
		}
		if r.State != nil && r.State.Pinned != fmt.Sprintf("p%d", last) {
			t.Fatalf("cycle %d: state %d pins %q", cycle, last, r.State.Pinned)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if acked == 0 {
		t.Errorf("no decision was ever acknowledged: the child never got to commit")
	}
	t.Logf("%d cycles, %d decisions acknowledged, %d cycles killed between a commit and its acknowledgement",
		*killCycles, acked, unprinted)
}

// killAfter runs a committing child in dir, SIGKILLs it right after its
// n-th acknowledgement, and returns every decision it acknowledged,
// including any it printed after the n-th before the signal landed.
func killAfter(t *testing.T, dir string, n int) []uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := startChild(ctx, t, "commit", dir)
	var printed []uint64
	read := func() bool {
		if !c.lines.Scan() {
			return false
		}
		var i uint64
		if _, err := fmt.Sscanf(c.lines.Text(), "ok %d", &i); err != nil {
			t.Fatalf("child said %q", c.lines.Text())
		}
		printed = append(printed, i)
		return true
	}
	for len(printed) < n && read() {
	}
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	for read() {
	}
	err := c.cmd.Wait()
	if ctx.Err() != nil {
		t.Fatalf("child outlived its time: %v", err)
	}
	if len(printed) < n {
		t.Fatalf("child ended after %d acknowledgements, before %d: %v", len(printed), n, err)
	}
	return printed
}
