package cli

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"switchboard/api"
	"switchboard/model"
	"switchboard/monitor"
)

// attached is the dashboard attached to a real server, run by teatest.
type attached struct {
	t  *testing.T
	tm *teatest.TestModel
}

// attach opens the dashboard on a's server as attach does, with a short
// reconnection backoff, on a 120×30 terminal without colour.
func attach(t *testing.T, a *apiServer, token string) *attached {
	t.Helper()
	var errb bytes.Buffer
	screen, closeAll, code := openAttach(context.Background(), attachConfig{server: a.url, token: token,
		remote: api.RemoteOptions{MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}},
		stdio{err: &errb})
	if closeAll == nil {
		t.Fatalf("attach: exit %d: %s", code, errb.String())
	}
	t.Cleanup(closeAll)
	tm := teatest.NewTestModel(t, screen, teatest.WithInitialTermSize(120, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	return &attached{t: t, tm: tm}
}

// waitFor waits until the output written since the last wait holds what
// cond looks for, raw (window title included) and without ANSI.
func (at *attached) waitFor(what string, cond func(raw, text string) bool) {
	at.t.Helper()
	teatest.WaitFor(at.t, at.tm.Output(), func(b []byte) bool { return cond(string(b), ansi.Strip(string(b))) },
		teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// press types one key, as the help bar names it.
func (at *attached) press(k string) {
	if k == "space" {
		at.tm.Send(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
		return
	}
	at.tm.Send(tea.KeyPressMsg{Code: rune(k[0]), Text: k})
}

// quit quits the dashboard and returns its last screen, without ANSI.
func (at *attached) quit() string {
	at.t.Helper()
	at.press("q")
	m := at.tm.FinalModel(at.t, teatest.WithFinalTimeout(10*time.Second)).(model.Model)
	return ansi.Strip(m.View().Content)
}

// TestAttachFailoverMovesTheServer: f then y on the attached dashboard
// moves the server's active backend, and the event names the token.
func TestAttachFailoverMovesTheServer(t *testing.T) {
	a := startServer(t, withTokens)
	at := attach(t, a, opsToken)
	at.waitFor("the attached screen", func(_, text string) bool {
		return strings.Contains(text, "attached to "+a.url+" as oncall (operator)") &&
			strings.Count(text, "✓ up") >= 2 && strings.Contains(text, "f force failover")
	})
	at.press("f")
	at.waitFor("the prompt", func(_, text string) bool { return strings.Contains(text, "fail over from alpha to bravo? y/n") })
	at.press("y")
	a.until("the failover", func(s *monitor.Snapshot) bool { return s.Active == "bravo" })
	if s := a.mon.Snapshot(); s.Mode != monitor.ModeForced || lastEvent(s).Actor != "oncall" {
		t.Errorf("server: mode %s, newest event %+v; want FORCED by oncall", s.Mode, lastEvent(s))
	}
	at.waitFor("the screen to follow", func(raw, _ string) bool { return strings.Contains(raw, "switchboard · active: bravo") })
	out := at.quit()
	if head := strings.Split(out, "\n")[0]; !strings.Contains(head, "ACTIVE: bravo") || !strings.Contains(head, "FORCED") {
		t.Errorf("header after the failover: %q", head)
	}
}

// TestAttachViewerCannotAct: with a viewer token the routing keys are
// hidden, pressing them asks nothing, and the server is unchanged.
func TestAttachViewerCannotAct(t *testing.T) {
	a := startServer(t, withTokens)
	at := attach(t, a, viewToken)
	at.waitFor("the attached screen", func(_, text string) bool {
		return strings.Contains(text, "attached to "+a.url+" as wallboard (viewer)") && strings.Count(text, "✓ up") >= 2
	})
	// A prompt takes only its answers: if a key had asked one, ? would not
	// toggle the help, and the wait below would fail.
	help := []string{"probe all now", "? more"}
	for i, k := range []string{"f", "p", "a", "space", "y"} {
		at.press(k)
		at.press("?")
		want := help[i%2]
		at.waitFor("help after "+k, func(_, text string) bool { return strings.Contains(text, want) })
	}
	out := at.quit()
	for _, hidden := range []string{"force failover", "pin selected", "pin for", "auto routing", "enable/disable", "y/n"} {
		if strings.Contains(out, hidden) {
			t.Errorf("a viewer's screen shows %q:\n%s", hidden, out)
		}
	}
	if !strings.Contains(out, "read-only") {
		t.Errorf("the screen does not say it is read-only:\n%s", out)
	}
	s := a.mon.Snapshot()
	if s.Active != "alpha" || s.Mode != monitor.ModeAuto || !s.Providers[0].Enabled || !s.Providers[1].Enabled {
		t.Errorf("a viewer's keys changed the server: active %s mode %s", s.Active, s.Mode)
	}
	for _, e := range s.Events {
		if e.Kind == monitor.EventOperator || e.Actor == "wallboard" {
			t.Errorf("an operator event on the server: %+v", e)
		}
	}
}

// TestAttachShowsDisconnection: when the server goes away the screen says
// since when, calls the active backend only the last seen, and marks the
// rows stale; when it returns the screen catches up and is live again.
func TestAttachShowsDisconnection(t *testing.T) {
	a := startServer(t, withTokens)
	at := attach(t, a, opsToken)
	at.waitFor("the attached screen", func(_, text string) bool {
		return strings.Contains(text, "attached to "+a.url) && strings.Count(text, "✓ up") >= 2
	})
	a.stop()
	since := regexp.MustCompile(`disconnected since \d\d:\d\d:\d\d, retrying`)
	at.waitFor("the disconnection", func(raw, text string) bool {
		return since.MatchString(text) && strings.Contains(text, "LAST SEEN ACTIVE: alpha") &&
			strings.Contains(raw, "switchboard · disconnected from "+a.url)
	})
	at.press("f")
	at.waitFor("f refused", func(_, text string) bool { return strings.Contains(text, "not connected to "+a.url) })

	// Meanwhile, on the server, an operator pins bravo.
	if _, err := a.mon.Apply(monitor.Order{Command: monitor.Pin{Provider: "bravo"}, Actor: "console"}); err != nil {
		t.Fatal(err)
	}
	a.serve()
	at.waitFor("the reconnection", func(raw, text string) bool {
		return strings.Contains(text, "attached to "+a.url) && strings.Contains(raw, "switchboard · active: bravo")
	})
	out := at.quit()
	if strings.Contains(out, "disconnected") || strings.Contains(out, "LAST SEEN") || !strings.Contains(out, "ACTIVE: bravo") ||
		!strings.Contains(out, "PINNED") {
		t.Errorf("after reconnecting:\n%s", out)
	}
	if stale := regexp.MustCompile(`\s!\d+[smhd]\s`); stale.MatchString(out) {
		t.Errorf("rows still marked stale after reconnecting:\n%s", out)
	}
}

// TestAttachCommandLine: attach quits with q; an unreachable server, a
// refused token and a usage error are reported on the plain terminal.
func TestAttachCommandLine(t *testing.T) {
	t.Setenv("SWITCHBOARD_TOKEN", "")
	t.Setenv("SWITCHBOARD_SERVER", "")
	a := startServer(t, withTokens)
	var out, errb bytes.Buffer
	if code := Run([]string{"attach", a.url, "--token", opsToken}, strings.NewReader("q"), &out, &errb); code != 0 || out.Len() == 0 {
		t.Errorf("attach then q: exit %d, %d bytes of screen, stderr %q", code, out.Len(), errb.String())
	}
	cases := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"attach", a.url, "--token", "wrong-token"}, 1, "401 Unauthorized: missing or wrong API token"},
		{[]string{"attach", "127.0.0.1:1", "--token", opsToken}, 1, "cannot reach http://127.0.0.1:1: "},
		{[]string{"attach", a.url, a.url}, 2, "attach: one server URL, not 2"},
	}
	for _, c := range cases {
		code, stdout, stderr := run(t, c.args...)
		noTokens(t, stdout, stderr)
		if code != c.code || stdout != "" || !strings.Contains(stderr, c.err) {
			t.Errorf("%v: exit %d stdout %q stderr %q; want %d and %q", c.args, code, stdout, stderr, c.code, c.err)
		}
	}
}
