package views

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"switchboard/internal/goldentest"
	"switchboard/monitor"
	"switchboard/probes"
)

// colourCodes lists the SGR sequences in out that set a colour.
var colourCodes = goldentest.ColourCodes

func assertNoColour(t *testing.T, out string) {
	t.Helper()
	if codes := colourCodes(out); len(codes) > 0 {
		t.Fatalf("NO_COLOR output holds colour sequences: %q", codes)
	}
}

func TestColourOnlyWithDefaultStyles(t *testing.T) {
	st := baseState(7)
	if codes := colourCodes(Render(st, 160, 40, DefaultStyles())); len(codes) == 0 {
		t.Fatal("coloured screen has no colour sequences; the NO_COLOR check would prove nothing")
	}
	assertNoColour(t, Render(st, 160, 40, PlainStyles()))
}

func TestEveryStateHasGlyphAndWord(t *testing.T) {
	want := map[string]string{
		"openai": "✗ down", "azure": "✓ up", "anthropic": "▲ degraded", "gemini": "◷ rate-limited",
		"groq": "⚠ misconfigured", "ollama": "○ disabled", "mistral": "? unknown",
	}
	rows := rowsByName(Table(baseState(7), 160, 8, PlainStyles()))
	for name, state := range want {
		if !strings.Contains(rows[name], state) {
			t.Errorf("row %q: want state %q in %q", name, state, rows[name])
		}
	}
}

func TestSparkline(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	ok := func(d time.Duration) monitor.Sample { return monitor.Sample{Latency: d, Class: probes.ClassOK} }
	fail := monitor.Sample{Class: probes.ClassTimeout}
	cases := []struct {
		name    string
		samples []monitor.Sample
		w       int
		want    string
	}{
		{"scaled min to max", []monitor.Sample{ok(ms(100)), ok(ms(200)), ok(ms(800))}, 3, "▁▂█"},
		{"failure is a cross, not a short bar", []monitor.Sample{ok(ms(100)), fail, ok(ms(900))}, 3, "▁✗█"},
		{"newest on the right, padded", []monitor.Sample{ok(ms(100)), ok(ms(900))}, 5, "   ▁█"},
		{"only the newest that fit", []monitor.Sample{fail, fail, ok(ms(100)), ok(ms(900))}, 2, "▁█"},
		{"flat series sits mid-height", []monitor.Sample{ok(ms(300)), ok(ms(300))}, 2, "▄▄"},
		{"all failed", []monitor.Sample{fail, fail}, 2, "✗✗"},
		{"no samples", nil, 3, "   "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ansi.Strip(Sparkline(c.samples, c.w, DefaultStyles())); got != c.want {
				t.Fatalf("Sparkline = %q, want %q", got, c.want)
			}
		})
	}
}

func TestColumnsDropInOrder(t *testing.T) {
	snap := fixture(7)
	prev := layoutColumns(snap, 200)
	for c := colID(0); c < numCols; c++ {
		if !prev.show[c] {
			t.Fatalf("at 200 columns %s is hidden", colTitles[c])
		}
	}
	if prev.width[colSpark] != sparkMax {
		t.Fatalf("sparkline width at 200 = %d, want %d", prev.width[colSpark], sparkMax)
	}
	for w := 199; w >= MinWidth; w-- {
		l := layoutColumns(snap, w)
		if l.total() > w {
			t.Fatalf("width %d: table is %d wide", w, l.total())
		}
		if !l.show[colName] || !l.show[colState] {
			t.Fatalf("width %d: name or state dropped", w)
		}
		if l.show == prev.show && l.width[colSpark] > prev.width[colSpark] {
			t.Fatalf("width %d: sparkline grew as the screen shrank", w)
		}
		for i, c := range dropOrder {
			// a column may only be gone if every column before it in dropOrder is gone too
			if !l.show[c] {
				for _, earlier := range dropOrder[:i] {
					if l.show[earlier] {
						t.Fatalf("width %d: %s dropped before %s", w, colTitles[c], colTitles[earlier])
					}
				}
			}
		}
		prev = l
	}
	if l := layoutColumns(snap, 60); !l.show[colSpark] || l.show[colOfficial] {
		t.Fatalf("at 60 columns the sparkline should stay and the official status go: %+v", l.show)
	}
}

func TestStaleRowsAreMarked(t *testing.T) {
	rows := rowsByName(Table(baseState(7), 160, 8, PlainStyles()))
	if !strings.Contains(rows["anthropic"], " !45s ") {
		t.Errorf("anthropic's 45 s old sample (interval 10 s) is not marked stale: %q", rows["anthropic"])
	}
	if strings.Contains(rows["azure"], "!") {
		t.Errorf("azure's fresh row is marked stale: %q", rows["azure"])
	}
	if strings.Contains(rows["ollama"], "!10m") {
		t.Errorf("a disabled provider is not probed and must not read as stale: %q", rows["ollama"])
	}
}

func TestRenderFitsEverySize(t *testing.T) {
	for _, n := range []int{0, 1, 7, 60} {
		for _, w := range []int{40, 41, 59, 80, 120, 200} {
			for _, h := range []int{10, 11, 15, 24, 50} {
				for _, detail := range []bool{false, true} {
					st := baseState(n)
					st.Selected, st.Detail = n/2, detail
					out := ansi.Strip(Render(st, w, h, DefaultStyles()))
					lines := strings.Split(out, "\n")
					if len(lines) != h {
						t.Fatalf("n=%d %dx%d detail=%v: %d lines, want %d", n, w, h, detail, len(lines), h)
					}
					for i, l := range lines {
						if ansi.StringWidth(l) > w {
							t.Fatalf("n=%d %dx%d: line %d is %d wide: %q", n, w, h, i, ansi.StringWidth(l), l)
						}
					}
					if !strings.Contains(lines[h-1], "q quit") {
						t.Fatalf("n=%d %dx%d: help bar not on the last line: %q", n, w, h, lines[h-1])
					}
				}
			}
		}
	}
}

func TestTooSmallSaysSoAndHowToQuit(t *testing.T) {
	out := ansi.Strip(Render(baseState(7), 39, 30, DefaultStyles()))
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "terminal too small (39×30, need ≥ 40×10)") {
		t.Fatalf("too-small screen: %q", out)
	}
	if !strings.Contains(out, "q quit") {
		t.Fatalf("too-small screen does not say how to quit: %q", out)
	}
}

func TestTableKeepsSelectionVisible(t *testing.T) {
	st := baseState(200)
	st.Selected = 150
	out := ansi.Strip(Table(st, 160, 48, DefaultStyles()))
	if row := rowsByName(out)["compat-150"]; !strings.HasPrefix(row, "›") {
		t.Fatalf("selected row compat-150 not shown with the cursor:\n%s", out)
	}
	if !strings.Contains(strings.Split(out, "\n")[0], "105-151/200") {
		t.Fatalf("title row does not say which rows are shown: %q", strings.Split(out, "\n")[0])
	}
}

func TestHeaderNamesActiveModeAndDemo(t *testing.T) {
	st := baseState(7)
	out := ansi.Strip(Header(st, 100, DefaultStyles()))
	for _, want := range []string{"ACTIVE: azure", "AUTO", "next: anthropic", "DEMO", "14:05:23", "since 14:02:11 (3m12s)", "openai down: 3× timeout", "gateway 127.0.0.1:8787 · 4 req/s · errors 0.5% · retries 14"} {
		if !strings.Contains(out, want) {
			t.Errorf("header lacks %q:\n%s", want, out)
		}
	}
	st.Snap.Demo, st.Snap.Traffic.Enabled, st.Snap.Mode = false, false, monitor.ModePanic
	out = ansi.Strip(Header(st, 100, DefaultStyles()))
	if strings.Contains(out, "DEMO") || strings.Contains(out, "gateway") {
		t.Errorf("header shows DEMO or gateway when off:\n%s", out)
	}
	if !strings.Contains(out, "!! PANIC !!") || !strings.Contains(out, "nothing routable") {
		t.Errorf("PANIC is not loud:\n%s", out)
	}
}

func TestEventsScrollIsClamped(t *testing.T) {
	st := baseState(7)
	st.LogScroll = 99
	out := ansi.Strip(Events(st, 100, 3, DefaultStyles()))
	lines := strings.Split(out, "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], "14:01:00") || !strings.Contains(lines[2], "14:02:11") {
		t.Fatalf("scrolling past the start should show the oldest events:\n%s", out)
	}
	if got := MaxLogScroll(5, 2); got != 3 {
		t.Fatalf("MaxLogScroll(5, 2) = %d, want 3", got)
	}
}

// rowsByName maps each provider row of a rendered table to its name; the
// gutter (cursor, enabled, active marks) is the first three cells.
func rowsByName(table string) map[string]string {
	rows := map[string]string{}
	for _, line := range strings.Split(ansi.Strip(table), "\n")[1:] {
		if r := []rune(line); len(r) > gutterWidth {
			if f := strings.Fields(string(r[gutterWidth:])); len(f) > 0 {
				rows[f[0]] = line
			}
		}
	}
	return rows
}

func TestEventRowsMatchesRender(t *testing.T) {
	st := baseState(7)
	for i := 0; i < 60; i++ {
		e := st.Snap.Events[0]
		e.Cause = "event " + itoa(i)
		st.Snap.Events = append(st.Snap.Events, e)
	}
	for _, size := range [][2]int{{100, 40}, {60, 24}, {160, 50}, {40, 10}} {
		for _, detail := range []bool{false, true} {
			st.Detail = detail
			out := ansi.Strip(Render(st, size[0], size[1], DefaultStyles()))
			shown := strings.Count(out, "14:01:00 policy")
			if want := EventRows(st, size[0], size[1]); shown != want {
				t.Errorf("%dx%d detail=%v: %d event lines shown, EventRows says %d", size[0], size[1], detail, shown, want)
			}
		}
	}
}

// A pin wins over failing probes, and the header says so: the operator
// holds traffic on a provider the probes call down. A pin to a healthy
// provider carries no warning.
func TestHeaderWarnsOfPinWhileProbesFail(t *testing.T) {
	st := baseState(4)
	st.Snap.Mode, st.Snap.Pinned, st.Snap.Active = monitor.ModePinned, "openai", "openai"
	p, _ := st.Snap.Provider("openai")
	p.State = monitor.StateDown
	out := ansi.Strip(Header(st, 160, DefaultStyles()))
	if !strings.Contains(out, "⚠ openai is pinned while its probes fail (down)") {
		t.Errorf("header of a pin to a down provider:\n%s", out)
	}
	p.State = monitor.StateUp
	if out := ansi.Strip(Header(st, 160, DefaultStyles())); strings.Contains(out, "probes fail") {
		t.Errorf("header warns of a pin to a healthy provider:\n%s", out)
	}
}

// Reports the monitor dropped are counted on screen: the traffic numbers
// beside them are then not exact.
func TestHeaderShowsDroppedReports(t *testing.T) {
	st := baseState(4)
	if out := ansi.Strip(Header(st, 200, DefaultStyles())); strings.Contains(out, "dropped") {
		t.Errorf("dropped shown with none dropped:\n%s", out)
	}
	st.Snap.Dropped = 37
	if out := ansi.Strip(Header(st, 200, DefaultStyles())); !strings.Contains(out, "dropped 37 reports (monitor busy)") {
		t.Errorf("header lacks the dropped count:\n%s", out)
	}
}

// When the state file cannot be written, the header says so first.
func TestHeaderWarnsWhenStateIsNotSaved(t *testing.T) {
	st := baseState(4)
	st.Snap.JournalErr = "write /var/lib/switchboard/state.db: no space left on device"
	out := ansi.Strip(Header(st, 120, DefaultStyles()))
	if !strings.Contains(out, "⚠ state not saved: write /var/lib/switchboard/state.db: no space") {
		t.Errorf("header:\n%s", out)
	}
}
