package views

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"switchboard/monitor"
	"switchboard/probes"
)

// blankLines counts the screen's lines that show nothing.
func blankLines(screen string) int {
	n := 0
	for _, l := range strings.Split(ansi.Strip(screen), "\n") {
		if strings.TrimSpace(l) == "" {
			n++
		}
	}
	return n
}

// On a 200×60 wall with four providers at most a tenth of the rows are
// blank, with or without the detail pane; today's screen left 71% blank.
func TestWallUsesTheScreen(t *testing.T) {
	for _, detail := range []bool{false, true} {
		out := Render(wallState(detail), 200, 60, DefaultStyles())
		if n := blankLines(out); n > 6 {
			t.Errorf("detail=%v: %d of 60 rows blank, want at most 6:\n%s", detail, n, ansi.Strip(out))
		}
		if !strings.Contains(ansi.Strip(out), "── LATENCY (log scale) · last") {
			t.Errorf("detail=%v: no latency chart on the wall:\n%s", detail, ansi.Strip(out))
		}
	}
}

// The screen degrades in Render's written order as it gets shorter: the
// chart never grows as the screen shrinks, keeps the event log at 8 rows
// or more while it is drawn, and is gone at 80×24, which is the compact
// screen it has always been (header, table, event log, footer).
func TestWallDegradesInOrder(t *testing.T) {
	for _, w := range []int{80, 120, 200} {
		for _, detail := range []bool{false, true} {
			st := wallState(detail)
			prevChart, prevBoth := 1<<30, 1<<30
			for h := 60; h >= 24; h-- {
				ph := panelHeights(st, h-5) // header 3 lines, footer 2
				if ph.chart > prevChart || ph.chart+ph.events > prevBoth {
					t.Fatalf("%dx%d detail=%v: chart %d, chart+log %d grew from %d, %d one row taller",
						w, h, detail, ph.chart, ph.chart+ph.events, prevChart, prevBoth)
				}
				if ph.chart > 0 && (ph.chart < chartMin || ph.events < logFloor) {
					t.Fatalf("%dx%d detail=%v: chart %d, log %d: want ≥ %d and ≥ %d", w, h, detail, ph.chart, ph.events, chartMin, logFloor)
				}
				if !detail && ph.table != 5 {
					t.Fatalf("%dx%d: table %d rows, want all four providers and the title", w, h, ph.table)
				}
				prevChart, prevBoth = ph.chart, ph.chart+ph.events
			}
		}
	}
	compact := ansi.Strip(Render(wallState(false), 80, 24, DefaultStyles()))
	if strings.Contains(compact, "LATENCY (log scale)") || EventRows(wallState(false), 80, 24) != 13 {
		t.Errorf("80×24 is not the compact screen (no chart, 13 event rows):\n%s", compact)
	}
	for _, size := range [][2]int{{120, 40}, {200, 60}} {
		if out := ansi.Strip(Render(wallState(false), size[0], size[1], DefaultStyles())); !strings.Contains(out, "LATENCY (log scale)") {
			t.Errorf("%dx%d has no chart:\n%s", size[0], size[1], out)
		}
	}
}

// A failed probe is marked with ✗ under its own time column, on a row
// named after its provider.
func TestChartMarksFailuresInTheirColumn(t *testing.T) {
	snap := &monitor.Snapshot{At: now}
	p := monitor.ProviderSnapshot{Name: "alpha", Enabled: true, Interval: time.Second}
	for k := 60; k >= 0; k-- {
		smp := monitor.Sample{At: now.Add(-time.Duration(k) * time.Second), Latency: 200 * time.Millisecond, Class: probes.ClassOK}
		if k == 10 {
			smp.Class, smp.Latency = probes.ClassTimeout, 0
		}
		p.Samples = append(p.Samples, smp)
	}
	p.HasLast, p.Last = true, probes.Result{Latency: 200 * time.Millisecond, Class: probes.ClassOK}
	snap.Providers = []monitor.ProviderSnapshot{p}
	lines := strings.Split(ansi.Strip(Chart(State{Snap: snap, Now: now}, 100, 10, PlainStyles())), "\n")
	if len(lines) != 10 {
		t.Fatalf("%d lines, want 10", len(lines))
	}
	var fail string
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "alpha") {
			fail = l
		}
	}
	at := strings.IndexRune(lines[1], '┤')
	if fail == "" || at < 0 {
		t.Fatalf("no failure row or no axis:\n%s", strings.Join(lines, "\n"))
	}
	axisCol := len([]rune(lines[1][:at]))
	cols := 100 - chartLabelWidth([]*monitor.ProviderSnapshot{&p}) - 3
	want := axisCol + 1 + (cols - 1 - 10) // 10 one-second columns back from now
	if got := strings.IndexRune(string([]rune(fail)), '✗'); got < 0 || len([]rune(fail[:got])) != want {
		t.Fatalf("✗ at column %d, want %d (axis at %d):\n%s", len([]rune(fail[:max(got, 0)])), want, axisCol, strings.Join(lines, "\n"))
	}
	if !strings.Contains(lines[len(lines)-1], "● alpha 200ms") {
		t.Errorf("legend %q does not name alpha with its last probe", lines[len(lines)-1])
	}
}

// Each provider has one colour: its ● in the table is its chart line's
// and its legend entry's.
func TestProviderColourIsTheSameInTableAndChart(t *testing.T) {
	st := wallState(false)
	screen := Render(st, 200, 60, DefaultStyles())
	for i, p := range st.Snap.Providers {
		code := strings.TrimSuffix(DefaultStyles().seriesColour(i).span.wrap("X"), DefaultStyles().seriesColour(i).span.post)
		code = strings.TrimSuffix(code, "X")
		if code == "" {
			t.Fatalf("provider %d has no colour", i)
		}
		if !strings.Contains(screen, code+"●"+DefaultStyles().seriesColour(i).span.post) {
			t.Errorf("%s's ● in the table is not in its colour %q", p.Name, code)
		}
		if !strings.Contains(screen, code+"● "+p.Name) {
			t.Errorf("%s's legend entry is not in its colour %q", p.Name, code)
		}
	}
}

// The chart ends at the snapshot's time, not at the clock's: a frame in
// which only the clock moved (the tick, once a second) draws the same
// chart, which the cache then hands back without drawing it again. A new
// snapshot draws a new one.
func TestChartFollowsTheSnapshotNotTheClock(t *testing.T) {
	st := wallState(false)
	first := Chart(st, 200, 30, DefaultStyles())
	st.Now = st.Now.Add(1500 * time.Millisecond)
	if Chart(st, 200, 30, DefaultStyles()) != first {
		t.Fatal("the chart moved with the clock alone")
	}
	st.Charts = &ChartCache{}
	if got := cachedChart(st, 200, 30, DefaultStyles()); got != first {
		t.Fatal("the cache drew another chart")
	}
	st.Snap.Providers[1].Samples[len(st.Snap.Providers[1].Samples)-1].Latency *= 3 // the same snapshot: never drawn again
	if cachedChart(st, 200, 30, DefaultStyles()) != first {
		t.Fatal("the cache drew the same snapshot again")
	}
	next := *st.Snap
	next.At = next.At.Add(10 * time.Second)
	st.Snap = &next
	if cachedChart(st, 200, 30, DefaultStyles()) == first {
		t.Fatal("a new snapshot 10 s later drew the old chart")
	}
}
