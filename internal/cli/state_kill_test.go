package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"switchboard/api"
)

// childServeEnv carries the arguments of a serve that TestMain runs in a
// process of its own, separated by unit separators (0x1f).
const childServeEnv = "SWITCHBOARD_TEST_SERVE_ARGS"

var killCycles = flag.Int("kill-cycles", 200, "serve processes killed with SIGKILL in TestAcknowledgedDecisionsSurviveSIGKILL")

// child is serve running in a process of its own.
type child struct {
	cmd    *exec.Cmd
	client *api.Client
}

// spawnServe runs serve on cfgPath and stateDir in a new process, and
// reads its log to the end (so the child never blocks on it), sending the
// component and address of each "listening" line.
func spawnServe(t *testing.T, cfgPath, stateDir string) (*exec.Cmd, <-chan [2]string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childServeEnv+"="+strings.Join([]string{"--config", cfgPath, "--state-dir", stateDir}, "\x1f"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	listening := make(chan [2]string, 2)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var e map[string]any
			if json.Unmarshal(sc.Bytes(), &e) == nil && e["msg"] == "listening" {
				listening <- [2]string{fmt.Sprint(e["component"]), fmt.Sprint(e["addr"])}
			}
		}
	}()
	return cmd, listening
}

// startChild runs serve on cfgPath and stateDir in a new process and
// returns once its API listens (10 s at most).
func startChild(t *testing.T, cfgPath, stateDir string) *child {
	t.Helper()
	cmd, listening := spawnServe(t, cfgPath, stateDir)
	timeout := time.After(10 * time.Second)
	for {
		select {
		case a := <-listening:
			if a[0] == "api" {
				return &child{cmd: cmd, client: api.NewClient("http://"+a[1], "")}
			}
		case <-timeout:
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatal("serve did not listen within 10s")
		}
	}
}

func (c *child) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	_ = c.cmd.Wait()
}

// acked is what the acknowledged decisions so far add up to.
type acked struct {
	pinned   string
	until    time.Time // zero: until auto
	disabled map[string]bool
	seqs     []uint64 // the acknowledgements' sequence numbers
}

// decide sends one random decision and, when the server acknowledges it,
// folds it into a.
func (a *acked) decide(t *testing.T, rng *rand.Rand, c *api.Client, names []string) {
	t.Helper()
	name := names[rng.IntN(len(names))]
	req := api.CommandRequest{Provider: name}
	switch rng.IntN(5) {
	case 0, 1:
		req.Action = "pin"
		if rng.IntN(2) == 0 {
			req.For = "1h"
		}
	case 2:
		req.Action, req.Provider = "auto", ""
	case 3:
		req.Action = "disable"
	default:
		req.Action = "enable"
	}
	res, err := c.Command(context.Background(), req)
	var refused *api.Error
	switch {
	case errors.As(err, &refused) && refused.Status == 409:
		return // pinning a disabled provider: nothing changed
	case err != nil:
		t.Fatalf("%+v: %v", req, err)
	}
	a.seqs = append(a.seqs, res.Seq)
	switch req.Action {
	case "pin":
		a.pinned, a.until = name, time.Time{}
		if req.For != "" {
			a.until = time.Now().Add(time.Hour)
		}
	case "auto":
		a.pinned = ""
	case "disable":
		a.disabled[name] = true
		if a.pinned == name {
			a.pinned = ""
		}
	case "enable":
		a.disabled[name] = false
	}
}

// check compares what a restarted serve says with what was acknowledged.
func (a *acked) check(t *testing.T, cycle int, c *api.Client) {
	t.Helper()
	st, err := c.State(context.Background())
	if err != nil {
		t.Fatalf("cycle %d: state: %v", cycle, err)
	}
	pinned := ""
	if st.Pinned != nil {
		pinned = st.Pinned.Name
		if until := st.Pinned.Until; (until == nil) != a.until.IsZero() || until != nil && until.Sub(a.until).Abs() > 5*time.Second {
			t.Fatalf("cycle %d: pin of %s until %v, want until %v", cycle, pinned, until, a.until)
		}
	}
	if pinned != a.pinned {
		t.Fatalf("cycle %d: pinned %q after the restart, want %q", cycle, pinned, a.pinned)
	}
	for _, p := range st.Providers {
		if p.Enabled == a.disabled[p.Name] {
			t.Fatalf("cycle %d: %s enabled %v after the restart, want %v", cycle, p.Name, p.Enabled, !a.disabled[p.Name])
		}
	}
	if len(a.seqs) == 0 {
		return
	}
	ev, err := c.Events(context.Background(), a.seqs[0]-1, 1000)
	if err != nil {
		t.Fatalf("cycle %d: events: %v", cycle, err)
	}
	var have []uint64
	for _, e := range ev.Events {
		have = append(have, e.Seq)
	}
	for _, seq := range a.seqs {
		if !slices.Contains(have, seq) {
			t.Fatalf("cycle %d: the event of acknowledged decision seq %d is gone (kept %v)", cycle, seq, have)
		}
	}
}

// Every decision serve acknowledged survives SIGKILL at once after the
// acknowledgement: hundreds of cycles of start, decide, kill, restart,
// each bounded in time, with the decisions checked after each restart.
func TestAcknowledgedDecisionsSurviveSIGKILL(t *testing.T) {
	names := []string{"alpha", "bravo", "charlie"}
	dir := isolate(t)
	cfgPath := writeFile(t, dir, "config.yaml", serveConfig(names, fakeOpenAI(t), fakeOpenAI(t), fakeOpenAI(t)))
	stateDir := filepath.Join(dir, "state")
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("seed %d, %d cycles", seed, *killCycles)
	a := &acked{disabled: map[string]bool{}}
	decisions := 0
	for cycle := range *killCycles {
		c := startChild(t, cfgPath, stateDir)
		a.check(t, cycle, c.client)
		a.seqs = a.seqs[:0]
		for range 1 + rng.IntN(4) {
			a.decide(t, rng, c.client, names)
		}
		decisions += len(a.seqs)
		time.Sleep(time.Duration(rng.IntN(2000)) * time.Microsecond) // "at random moments right after"
		c.kill()
	}
	c := startChild(t, cfgPath, stateDir)
	defer c.kill()
	a.check(t, *killCycles, c.client)
	if decisions < *killCycles {
		t.Fatalf("only %d decisions acknowledged in %d cycles", decisions, *killCycles)
	}
	fmt.Fprintf(os.Stderr, "%d acknowledged decisions survived %d SIGKILLs\n", decisions, *killCycles)
}
