package model

import (
	"reflect"
	"strings"
	"testing"

	"switchboard/monitor"
)

// TestFailoverPromptFollowsItsDestination checks that a failover prompt is
// withdrawn when a new Snapshot changes the backend it names, so y never
// fails over somewhere the question did not say, and that it stays when
// the destination is unchanged.
func TestFailoverPromptFollowsItsDestination(t *testing.T) {
	cases := []struct {
		name        string
		nextBefore  string
		nextAfter   string
		question    string
		wantDropped bool
		status      string
	}{
		{"next backend fails", "azure", "anthropic", "fail over from openai to azure? y/n", true,
			"cancelled: the next backend changed to anthropic; ask again"},
		{"nothing left to fail over to", "azure", "", "fail over from openai to azure? y/n", true,
			"cancelled: the next backend changed to none; ask again"},
		{"a backend comes back", "", "azure", "fail over from openai (nothing else is routable)? y/n", true,
			"cancelled: the next backend changed to azure; ask again"},
		{"destination unchanged", "azure", "azure", "fail over from openai to azure? y/n", false,
			"failover requested: openai → azure"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := fixture(4)
			before.Next = c.nextBefore
			f := newFake(before)
			m := newModel(t, f, Options{})
			m, _ = press(t, m, m.keys.Failover)
			if got := lastLines(m, 2); !strings.Contains(got, c.question) {
				t.Fatalf("prompt = %q, want %q", got, c.question)
			}
			next, _ := m.Update(withSnap(m, withNext(before, c.nextAfter)))
			m = next.(Model)
			if got := lastLines(m, 2); strings.Contains(got, "y/n") == c.wantDropped {
				t.Fatalf("next %q → %q: bottom of the screen %q", c.nextBefore, c.nextAfter, got)
			}
			m, cmd := press(t, m, m.keys.Confirm)
			m = run(t, m, cmd)
			want := []monitor.Command{monitor.ForceFailover{From: "openai", To: c.nextBefore}}
			if c.wantDropped {
				want = nil
			}
			if got := f.sentCommands(); !reflect.DeepEqual(got, want) {
				t.Fatalf("y sent %#v, want %#v", got, want)
			}
			if got := lastLines(m, 2); !strings.Contains(got, c.status) {
				t.Fatalf("status = %q, want %q", got, c.status)
			}
		})
	}
}

// withNext is s one Snapshot later with another next backend; the active
// one is unchanged.
func withNext(s *monitor.Snapshot, next string) *monitor.Snapshot {
	n := *s
	n.Seq++
	n.Next = next
	return &n
}
