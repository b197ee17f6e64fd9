package cli

import (
	"bytes"
	"context"
	"strings"
	"syscall"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"switchboard/api"
)

// attachTo opens the dashboard on a running serve's API, as attach does.
func attachTo(t *testing.T, url, token string) *attached {
	t.Helper()
	var errb bytes.Buffer
	screen, closeAll, code := openAttach(context.Background(), attachConfig{server: url, token: token}, stdio{err: &errb})
	if closeAll == nil {
		t.Fatalf("attach: exit %d: %s", code, errb.String())
	}
	t.Cleanup(closeAll)
	tm := teatest.NewTestModel(t, screen, teatest.WithInitialTermSize(120, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	return &attached{t: t, tm: tm}
}

// The dashboard attached to a real serve process acts on it: an operator's
// f then y moves serve's active backend, which its API and its event log
// then say; a viewer's same keys move nothing.
func TestAttachToServe(t *testing.T) {
	alpha, bravo := fakeOpenAI(t), fakeOpenAI(t)
	cfg := strings.Replace(serveConfig([]string{"alpha", "bravo"}, alpha, bravo), "api:\n  listen: 127.0.0.1:0\n",
		"api:\n  listen: 127.0.0.1:0\n  tokens:\n"+
			"    - {name: wallboard, token: "+viewToken+", role: viewer}\n"+
			"    - {name: oncall, token: "+opsToken+", role: operator}\n", 1)
	sv := startServe(t, cfg)
	url := sv.apiURL()
	sv.waitEvent("bravo", "first probe ok")
	sv.waitEvent("alpha", "first probe ok")
	client := api.NewClient(url, opsToken)
	active := func() string {
		st, err := client.State(context.Background())
		if err != nil || st.Active == nil {
			t.Fatalf("state: %+v, %v", st, err)
		}
		return *st.Active
	}

	viewer := attachTo(t, url, viewToken)
	viewer.waitFor("the viewer's screen", func(_, text string) bool { return strings.Contains(text, "as wallboard (viewer)") })
	viewer.press("f")
	viewer.press("y")
	viewer.quit()
	if got := active(); got != "alpha" {
		t.Fatalf("after a viewer's f, y: serve's active backend is %s, want alpha", got)
	}

	op := attachTo(t, url, opsToken)
	op.waitFor("the operator's screen", func(_, text string) bool {
		return strings.Contains(text, "as oncall (operator)") && strings.Count(text, "✓ up") >= 2
	})
	op.press("f")
	op.waitFor("the prompt", func(_, text string) bool { return strings.Contains(text, "fail over from alpha to bravo? y/n") })
	op.press("y")
	op.waitFor("the screen to follow", func(raw, _ string) bool { return strings.Contains(raw, "switchboard · active: bravo") })
	op.quit()
	if got := active(); got != "bravo" {
		t.Fatalf("after the operator's f, y: serve's active backend is %s, want bravo", got)
	}
	e := sv.waitLog("the failover in serve's log", func(e map[string]any) bool {
		return e["msg"] == "event" && e["kind"] == "active" && e["to"] == "bravo"
	})
	if e["actor"] != "oncall" {
		t.Errorf("serve logged the failover as %v, want the token's name oncall", e["actor"])
	}
	if code := sv.stop(syscall.SIGTERM); code != ExitOK {
		t.Fatalf("serve exit %d", code)
	}
}
