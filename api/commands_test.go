package api

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"

	"switchboard/config"
	"switchboard/internal/memnet"
	"switchboard/monitor"
)

// TestCommands: each action and each refusal, in order against one real
// monitor: what the client is told, and what the monitor then does.
func TestCommands(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := start(t, Options{})
		steps := []struct {
			name, body string
			status     int
			active     string // the monitor's active backend afterwards
			msg        string // a part of the error a person reads
		}{
			{"bad JSON", `{"action": "pin",`, 400, "alpha", "JSON object"},
			{"two JSON values", `{"action": "auto"} {"action": "auto"}`, 400, "alpha", "more than one"},
			{"misspelt field", `{"action": "auto", "expect-active": "alpha"}`, 400, "alpha", `unknown field "expect-active"`},
			{"no action", `{"provider": "bravo"}`, 400, "alpha", "action is required"},
			{"unknown action", `{"action": "reboot"}`, 400, "alpha", `unknown action "reboot": one of failover, pin`},
			{"unknown provider", `{"action": "pin", "provider": "charlie"}`, 400, "alpha", `unknown provider "charlie"; providers: alpha, bravo`},
			{"pin without a provider", `{"action": "pin"}`, 400, "alpha", "pin needs a provider"},
			{"bad duration", `{"action": "pin", "provider": "bravo", "for": "soon"}`, 400, "alpha", `"for" must be a duration`},
			{"for on another action", `{"action": "auto", "for": "5m"}`, 400, "alpha", "pin only"},
			{"stale expectation", `{"action": "pin", "provider": "bravo", "expect_active": "bravo"}`, 409, "alpha",
				"expected bravo active, but the active backend is now alpha"},
			{"pin", `{"action": "pin", "provider": "bravo", "for": "15m", "expect_active": "alpha"}`, 200, "bravo", ""},
			{"auto", `{"action": "auto"}`, 200, "alpha", ""},
			{"failover to a stale target", `{"action": "failover", "provider": "alpha", "expect_active": "alpha"}`, 409, "alpha",
				"the next backend is now bravo"},
			{"failover", `{"action": "failover", "provider": "bravo", "expect_active": "alpha"}`, 200, "bravo", ""},
			{"auto again", `{"action": "auto"}`, 200, "alpha", ""},
			{"disable", `{"action": "disable", "provider": "bravo"}`, 200, "alpha", ""},
			{"failover with nowhere to go", `{"action": "failover"}`, 409, "alpha", "no other routable backend"},
			{"pin a disabled provider", `{"action": "pin", "provider": "bravo"}`, 409, "alpha", "disabled"},
			{"enable", `{"action": "enable", "provider": "bravo"}`, 200, "alpha", ""},
			{"probe one", `{"action": "probe", "provider": "bravo"}`, 200, "alpha", ""},
			{"probe all", `{"action": "probe"}`, 200, "alpha", ""},
			{"too large", `{"action": "auto", "provider": "` + strings.Repeat("x", maxCommandBody) + `"}`, 413, "alpha", "larger than"},
		}
		for _, st := range steps {
			before := newestSeq(e.mon.Snapshot())
			a := e.do("POST", "/api/v1/commands", opsToken, st.body)
			if a.status != st.status {
				t.Fatalf("%s: status %d, want %d: %.200s", st.name, a.status, st.status, a.body)
			}
			snap := e.mon.Snapshot()
			if snap.Active != st.active {
				t.Fatalf("%s: active %q afterwards, want %q", st.name, snap.Active, st.active)
			}
			if st.status != 200 {
				if msg := a.errorText(t); !strings.Contains(msg, st.msg) {
					t.Errorf("%s: error %q, want it to say %q", st.name, msg, st.msg)
				}
				continue
			}
			res := a.json(t)
			seq, _ := res["seq"].(float64)
			if res["ok"] != true || res["active"] != st.active || uint64(seq) < before || uint64(seq) > newestSeq(snap) {
				t.Errorf("%s: answer %v, want ok, active %s and a seq from %d to %d", st.name, res, st.active, before, newestSeq(snap))
				continue
			}
			// The seq is the command's own newest event, naming its actor
			// (a probe logs none; a probe it causes may log more later).
			if ev, ok := eventAt(snap, uint64(seq)); !strings.HasPrefix(st.name, "probe") && (!ok || ev.Actor != "oncall") {
				t.Errorf("%s: event %d is %+v, want the command's, by oncall", st.name, uint64(seq), ev)
			}
		}
	})
}

func eventAt(s *monitor.Snapshot, seq uint64) (monitor.Event, bool) {
	for _, e := range s.Events {
		if e.Seq == seq {
			return e, true
		}
	}
	return monitor.Event{}, false
}

// TestCommandLog: one log line per command with actor, action and
// result, and never the token.
func TestCommandLog(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := start(t, Options{})
		e.do("POST", "/api/v1/commands", opsToken, `{"action": "pin", "provider": "bravo"}`)
		e.do("POST", "/api/v1/commands", opsToken, `{"action": "pin", "provider": "alpha", "expect_active": "alpha"}`)
		e.do("POST", "/api/v1/commands", viewToken, `{"action": "auto"}`)
		lines := strings.Split(strings.TrimSpace(e.logs.String()), "\n")
		if len(lines) != 3 {
			t.Fatalf("%d log lines, want 3:\n%s", len(lines), e.logs.String())
		}
		for i, want := range []string{
			`"actor":"oncall","action":"pin","provider":"bravo","expect_active":"","status":200,"result":"ok","active":"bravo"`,
			`"actor":"oncall","action":"pin","provider":"alpha","expect_active":"alpha","status":409,"result":"expected alpha active, but the active backend is now bravo`,
			`"actor":"wallboard","role":"viewer","status":403`,
		} {
			if !strings.Contains(lines[i], want) {
				t.Errorf("line %d:\n%s\nwant it to hold\n%s", i+1, lines[i], want)
			}
		}
		if strings.Contains(e.logs.String(), opsToken) || strings.Contains(e.logs.String(), viewToken) {
			t.Error("a token reached the log")
		}
	})
}

// TestNotRunningIs503: a command the monitor cannot take (it is not
// running: starting or stopping) is 503 with a reason, through the client
// as an *Error.
func TestNotRunningIs503(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m, _ := newMonitor("alpha", "bravo") // never run
		e := &env{t: t, mon: m, logs: &syncBuffer{}}
		e.net = memnet.New()
		e.serve(Options{})
		_, err := e.client(opsToken).Command(context.Background(), CommandRequest{Action: ActionAuto})
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.Status != 503 || !strings.Contains(apiErr.Msg, "retry") {
			t.Fatalf("err %v, want a 503 *Error saying to retry", err)
		}
		if !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), apiErr.Msg) {
			t.Errorf("Error() = %q: want the status and the server's message", err)
		}
	})
}

// TestNewRefuses: a public listen address without tokens, and tokens a
// hand-built config got wrong, are refused without quoting a token.
func TestNewRefuses(t *testing.T) {
	m, _ := newMonitor("alpha")
	const secret = "tok-secret-0123"
	cases := map[string]config.API{
		"public without tokens": {Listen: "0.0.0.0:8788"},
		"no port":               {Listen: "127.0.0.1"},
		"token with a newline":  {Tokens: []config.APIToken{{Name: "a", Token: secret + "\n", Role: config.RoleViewer}}},
		"empty token":           {Tokens: []config.APIToken{{Name: "a", Role: config.RoleViewer}}},
		"unknown role":          {Tokens: []config.APIToken{{Name: "a", Token: secret, Role: "admin"}}},
		"same name twice": {Tokens: []config.APIToken{{Name: "a", Token: secret, Role: config.RoleViewer},
			{Name: "a", Token: secret + "2", Role: config.RoleViewer}}},
	}
	for name, cfg := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := New(m, cfg, Options{})
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the error quotes the token: %v", err)
			}
		})
	}
	if _, err := New(m, config.API{Listen: "0.0.0.0:8788", Tokens: withTokens.Tokens}, Options{}); err != nil {
		t.Errorf("public with tokens: %v", err)
	}
	if _, err := New(m, config.API{}, Options{}); err != nil {
		t.Errorf("the zero section (default loopback listen): %v", err)
	}
}
