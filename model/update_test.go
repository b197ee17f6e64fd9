package model

import (
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"switchboard/monitor"
)

func TestRoutingKeysAskThenSend(t *testing.T) {
	keys := newKeyMap(false)
	cases := []struct {
		name     string
		selectN  int // rows to move down before the key
		binding  string
		question string
		want     monitor.Command
		status   string
	}{
		{"force failover", 0, keys.Failover.Keys()[0], "fail over from openai to azure? y/n", monitor.ForceFailover{From: "openai", To: "azure"}, "failover requested: openai → azure"},
		{"pin selected", 1, keys.Pin.Keys()[0], "pin azure as active? y/n", monitor.Pin{Provider: "azure"}, "pin requested: azure"},
		{"auto", 0, keys.Auto.Keys()[0], "back to automatic routing? y/n", monitor.Auto{}, "automatic routing requested"},
		{"disable the active backend", 0, keys.Toggle.Keys()[0], "disable openai (the active backend)? y/n", monitor.SetEnabled{Provider: "openai", Enabled: false}, "disable requested: openai"},
	}
	for _, c := range cases {
		t.Run(c.name+"/confirmed", func(t *testing.T) {
			f := newFake(fixture(4))
			m := newModel(t, f, Options{})
			for i := 0; i < c.selectN; i++ {
				m, _ = press(t, m, m.keys.Down)
			}
			m, cmd := pressKey(t, m, c.binding)
			if cmd != nil {
				t.Fatalf("%s sent before confirmation", c.name)
			}
			if got := lastLines(m, 2); !strings.Contains(got, c.question) {
				t.Fatalf("prompt = %q, want %q", got, c.question)
			}
			m, cmd = press(t, m, m.keys.Confirm)
			m = run(t, m, cmd)
			if got := f.sentCommands(); !reflect.DeepEqual(got, []monitor.Command{c.want}) {
				t.Fatalf("sent %#v, want %#v", got, c.want)
			}
			if got := lastLines(m, 2); !strings.Contains(got, c.status) || strings.Contains(got, "y/n") {
				t.Fatalf("after y the status line is %q, want %q and no prompt", got, c.status)
			}
		})
		for _, cancel := range []string{"n", "esc"} {
			t.Run(c.name+"/cancelled with "+cancel, func(t *testing.T) {
				f := newFake(fixture(4))
				m := newModel(t, f, Options{})
				for i := 0; i < c.selectN; i++ {
					m, _ = press(t, m, m.keys.Down)
				}
				m, _ = pressKey(t, m, c.binding)
				m, cmd := pressKey(t, m, cancel)
				m = run(t, m, cmd)
				if got := f.sentCommands(); len(got) != 0 {
					t.Fatalf("cancelled, yet sent %#v", got)
				}
				if got := lastLines(m, 2); !strings.Contains(got, "cancelled") || strings.Contains(got, "y/n") {
					t.Fatalf("status after cancel = %q", got)
				}
			})
		}
	}
}

func TestNonRoutingKeysSendAtOnce(t *testing.T) {
	cases := []struct {
		name    string
		selectN int
		key     string
		want    monitor.Command
		status  string
	}{
		{"probe all now", 0, "r", monitor.ProbeNow{}, "probe of every provider requested"},
		{"disable a standby", 1, "space", monitor.SetEnabled{Provider: "azure", Enabled: false}, "disable requested: azure"},
		{"enable a disabled one", 3, "space", monitor.SetEnabled{Provider: "ollama", Enabled: true}, "enable requested: ollama"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(fixture(4))
			m := newModel(t, f, Options{})
			for i := 0; i < c.selectN; i++ {
				m, _ = pressKey(t, m, "j")
			}
			m, cmd := pressKey(t, m, c.key)
			if m.pending != nil {
				t.Fatalf("%s asked for confirmation: %q", c.name, m.pending.question)
			}
			m = run(t, m, cmd)
			if got := f.sentCommands(); !reflect.DeepEqual(got, []monitor.Command{c.want}) {
				t.Fatalf("sent %#v, want %#v", got, c.want)
			}
			if got := lastLines(m, 2); !strings.Contains(got, c.status) {
				t.Fatalf("status = %q, want %q", got, c.status)
			}
		})
	}
}

func TestPromptTakesOnlyItsAnswers(t *testing.T) {
	f := newFake(fixture(4))
	m := newModel(t, f, Options{})
	m, _ = press(t, m, m.keys.Failover)
	for _, k := range []string{"j", "q", "f", "space", "enter"} {
		var cmd tea.Cmd
		m, cmd = pressKey(t, m, k)
		if cmd != nil {
			t.Fatalf("%q during a prompt returned a command", k)
		}
	}
	if m.pending == nil || m.selected != 0 || m.detail {
		t.Fatalf("stray keys changed the screen under a prompt: pending=%v selected=%d detail=%v", m.pending, m.selected, m.detail)
	}
	if len(f.sentCommands()) != 0 {
		t.Fatal("stray keys sent a command")
	}
}

func TestSelectionWraps(t *testing.T) {
	m := newModel(t, newFake(fixture(4)), Options{})
	steps := []struct {
		key  string
		want int
	}{{"up", 3}, {"down", 0}, {"j", 1}, {"j", 2}, {"j", 3}, {"j", 0}, {"k", 3}}
	for _, s := range steps {
		m, _ = pressKey(t, m, s.key)
		if m.selected != s.want {
			t.Fatalf("after %q selected = %d, want %d", s.key, m.selected, s.want)
		}
	}
	if row := rowOf(m, "ollama"); !strings.HasPrefix(row, "›") {
		t.Fatalf("the selected row has no cursor: %q", row)
	}
}

func TestReadOnlyBlocksRoutingKeys(t *testing.T) {
	f := newFake(fixture(4))
	m := newModel(t, f, Options{ReadOnly: true})
	for _, k := range []string{"f", "p", "a", "space"} {
		var cmd tea.Cmd
		m, cmd = pressKey(t, m, k)
		m = run(t, m, cmd)
		if m.pending != nil {
			t.Fatalf("read-only: %q asked %q", k, m.pending.question)
		}
	}
	if got := f.sentCommands(); len(got) != 0 {
		t.Fatalf("read-only sent %#v", got)
	}
	m, _ = pressKey(t, m, "?")
	help := lastLines(m, 6)
	for _, hidden := range []string{"force failover", "pin selected", "auto routing", "enable/disable"} {
		if strings.Contains(help, hidden) {
			t.Errorf("read-only help shows %q:\n%s", hidden, help)
		}
	}
	if !strings.Contains(help, "probe all now") || !strings.Contains(screen(m), "read-only") {
		t.Errorf("read-only help should keep harmless keys and say read-only:\n%s", screen(m))
	}
	m, cmd := pressKey(t, m, "r")
	run(t, m, cmd)
	if got := f.sentCommands(); !reflect.DeepEqual(got, []monitor.Command{monitor.ProbeNow{}}) {
		t.Fatalf("read-only r sent %#v, want a probe", got)
	}
}

func TestResize(t *testing.T) {
	m := newModel(t, newFake(fixture(4)), Options{})
	for _, size := range [][2]int{{160, 50}, {60, 20}, {40, 10}} {
		next, _ := m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		m = next.(Model)
		lines := strings.Split(screen(m), "\n")
		if len(lines) != size[1] {
			t.Fatalf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		if !strings.Contains(lines[0], "ACTIVE: openai") {
			t.Fatalf("%dx%d: header lost: %q", size[0], size[1], lines[0])
		}
	}
	next, _ := m.Update(tea.WindowSizeMsg{Width: 39, Height: 12})
	m = next.(Model)
	if got := strings.Join(strings.Fields(screen(m)), " "); !strings.Contains(got, "terminal too small (39×12, need ≥ 40×10)") {
		t.Fatalf("too small screen: %q", got)
	}
	m, cmd := press(t, m, m.keys.Failover)
	if cmd != nil || m.pending != nil {
		t.Fatal("routing keys must not act on a screen too small to show them")
	}
	_, cmd = press(t, m, m.keys.Quit)
	if cmd == nil {
		t.Fatal("q does not quit on a too-small screen")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q does not quit on a too-small screen")
	}
}

func TestSendErrorIsShown(t *testing.T) {
	f := newFake(fixture(4))
	f.err = errUnknown
	m := newModel(t, f, Options{})
	m, _ = pressKey(t, m, "j")
	m, _ = press(t, m, m.keys.Pin)
	m, cmd := press(t, m, m.keys.Confirm)
	m = run(t, m, cmd)
	if got := lastLines(m, 2); !strings.Contains(got, "error: pin requested: azure: unknown provider") {
		t.Fatalf("Send error not shown: %q", got)
	}
}

func TestPromptDroppedWhenActiveChanges(t *testing.T) {
	f := newFake(fixture(4))
	m := newModel(t, f, Options{})
	m, _ = press(t, m, m.keys.Failover)
	next, _ := m.Update(withSnap(m, mustFailOver(fixture(4))))
	m = next.(Model)
	if m.pending != nil {
		t.Fatal("prompt about openai survived a change of active backend")
	}
	if got := lastLines(m, 2); !strings.Contains(got, "active backend changed to azure") {
		t.Fatalf("status = %q", got)
	}
}
