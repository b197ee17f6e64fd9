package notify

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/internal/waitfor"

	"switchboard/config"
	"switchboard/probes"
)

// script writes a /bin/sh script to a temporary directory.
func shellScript(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hook.sh")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestExecReceivesTheEvent: a program gets the message as JSON on stdin,
// the named event's fields in SWITCHBOARD_EVENT_* variables, and its
// arguments; the environment it inherits holds no provider key.
func TestExecReceivesTheEvent(t *testing.T) {
	const key = "sk-live-0123456789abcdefABCDEF"
	t.Setenv("OPENAI_API_KEY", key)
	t.Setenv("HTTPS_PROXY", "http://proxy.internal:3128")
	out := t.TempDir()
	prog := shellScript(t, `cat >"$1/stdin.json"; env >"$1/env.txt"`)
	src := newBoardSource("openai", "azure-openai")
	n := New([]config.Notify{{Exec: []string{prog, out}, On: []string{"down"}}}, Options{Secrets: []string{key}})
	runNotifier(t, n, src)
	src.ok("azure-openai", 1)
	src.fail("openai", probes.ClassTimeout, 3)
	src.publish()
	waitfor.Cond(t, "the program to run", func() bool { return n.Stats()[0].Delivered == 1 })

	b, err := os.ReadFile(filepath.Join(out, "stdin.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got payload
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("stdin is not the JSON payload: %v\n%s", err, b)
	}
	if got.Name != "down" || got.Text != "openai down (3× timeout) — traffic moved to azure-openai" ||
		got.Kind != "state" || got.Provider != "openai" || got.From != "unknown" || got.To != "down" ||
		got.Cause != "3× timeout" || got.Actor != "policy" || got.Seq == 0 || !got.At.Equal(src.now) {
		t.Errorf("payload %+v", got)
	}
	var top map[string]any // the fields a script reads are at the top, not nested
	if err := json.Unmarshal(b, &top); err != nil || top["provider"] != "openai" || top["kind"] != "state" || top["name"] != "down" {
		t.Errorf("top-level fields of the payload: %v (%v)", top, err)
	}
	if len(got.Events) != 2 || got.Events[0].Seq != got.Seq || got.Events[1].Kind != "active" || got.Events[1].To != "azure-openai" {
		t.Errorf("payload events %+v: want the down event and the failover", got.Events)
	}
	env, err := os.ReadFile(filepath.Join(out, "env.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"SWITCHBOARD_EVENT_NAME=down", "SWITCHBOARD_EVENT_PROVIDER=openai",
		"SWITCHBOARD_EVENT_TO=down", "SWITCHBOARD_EVENT_CAUSE=3× timeout", "SWITCHBOARD_EVENT_KIND=state",
		"SWITCHBOARD_EVENT_TEXT=openai down (3× timeout) — traffic moved to azure-openai",
		"HTTPS_PROXY=http://proxy.internal:3128"} {
		if !strings.Contains(string(env), want+"\n") {
			t.Errorf("environment lacks %s", want)
		}
	}
	if strings.Contains(string(env), key) {
		t.Errorf("the program's environment holds the provider key")
	}
	if st := n.Stats()[0]; st.Destination != "exec hook.sh" || st.Delivered != 1 || st.Attempts != 1 {
		t.Errorf("stats %+v", st)
	}
}

// A program that fails is retried and reported with its exit status and
// the start of its stderr, secrets removed; one that hangs is killed at
// the timeout, its children with it.
func TestExecFailures(t *testing.T) {
	const key = "sk-live-0123456789abcdefABCDEF"
	fails := shellScript(t, `cat >/dev/null; echo "paging service said no to `+key+`" >&2; exit 3`)
	hangs := shellScript(t, `sleep 60 & wait`)
	logs := &logBuffer{}
	src := newBoardSource("openai", "azure-openai")
	n := New([]config.Notify{{Exec: []string{fails}}, {Exec: []string{hangs}}}, Options{Secrets: []string{key},
		Logger: logs.logger(), Timeout: 200 * time.Millisecond, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond,
		RetryFor: time.Second})
	runNotifier(t, n, src)
	src.fail("openai", probes.ClassTimeout, 3)
	src.publish()
	waitfor.Cond(t, "both to give up", func() bool { st := n.Stats(); return st[0].Failed == 1 && st[1].Failed == 1 })

	st := n.Stats()
	if st[0].LastError != "exit status 3: paging service said no to REDACTED" || st[0].Attempts < 2 {
		t.Errorf("failing program: %+v; want its exit status and stderr, retried", st[0])
	}
	if st[1].LastError != "no exit before the timeout: killed" {
		t.Errorf("hanging program: %+v", st[1])
	}
	if strings.Contains(logs.String(), key) || !strings.Contains(logs.String(), "exit status 3") {
		t.Errorf("log:\n%s", logs.String())
	}
}
