package model

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"switchboard/config"
	"switchboard/internal/fakes"
	"switchboard/monitor"
)

// TestFlowRealMonitorForceFailover is the whole chain: fake providers on
// loopback, the real monitor probing them, the real program. Pressing f
// and confirming must move the monitor's active backend, the header and
// the event log.
func TestFlowRealMonitorForceFailover(t *testing.T) {
	primary := fakes.Start(fakes.Options{Kind: config.KindOpenAI, APIKey: "sk-primary"})
	defer primary.Close()
	backup := fakes.Start(fakes.Options{Kind: config.KindOpenAI, APIKey: "sk-backup"})
	defer backup.Close()
	cfg := config.Default()
	cfg.Providers = []config.Provider{
		{Name: "primary", Kind: config.KindOpenAI, BaseURL: primary.BaseURL(), APIKey: "sk-primary"},
		{Name: "backup", Kind: config.KindOpenAI, BaseURL: backup.BaseURL(), APIKey: "sk-backup"},
	}
	cfg.ApplyDefaults()
	mon := monitor.New(cfg, monitor.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error)
	go func() { ran <- mon.Run(ctx) }()
	defer func() { cancel(); <-ran }()

	m := New(mon, Options{})
	defer m.Close()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	wait := func(cond func(raw, text string) bool) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return cond(string(b), ansi.Strip(string(b))) },
			teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	wait(func(_, text string) bool { return strings.Count(text, "✓ up") >= 2 })
	tm.Send(keyMsg(t, "f"))
	wait(func(_, text string) bool { return strings.Contains(text, "fail over from primary to backup? y/n") })
	tm.Send(keyMsg(t, "y"))
	wait(func(raw, text string) bool {
		return strings.Contains(raw, "active: backup") && strings.Contains(text, "forced failover from primary")
	})
	if s := mon.Snapshot(); s.Active != "backup" || s.Mode != monitor.ModeForced {
		t.Fatalf("monitor: active %q mode %s, want backup FORCED", s.Active, s.Mode)
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	out := screen(tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model))
	if head := strings.Split(out, "\n")[0]; !strings.Contains(head, "ACTIVE: backup") || !strings.Contains(head, "FORCED") {
		t.Fatalf("header after failover: %q", head)
	}
}
