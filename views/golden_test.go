package views

import (
	"testing"
	"time"

	"switchboard/internal/goldentest"
	"switchboard/monitor"
)

// requireGolden compares the screen, ANSI stripped to show the layout alone,
// with testdata/<test name>.golden; TestColourGolden keeps the colours.
var requireGolden = goldentest.RequireScreen

func TestHeaderGolden(t *testing.T) {
	pinned := baseState(7)
	pinned.Snap.Mode, pinned.Snap.Pinned = monitor.ModePinned, "azure"
	pinned.Snap.PinnedUntil = now.Add(25 * time.Minute)
	pinned.Snap.ActiveCause = "pinned by operator"
	panicked := baseState(7)
	panicked.Snap.Mode, panicked.Snap.Next, panicked.Snap.Demo = monitor.ModePanic, "", false
	panicked.Snap.Traffic.Enabled = false
	cases := []struct {
		name string
		st   State
		w    int
	}{
		{"auto_160", baseState(7), 160},
		{"auto_60", baseState(7), 60},
		{"auto_40", baseState(7), 40},
		{"pinned_100", pinned, 100},
		{"panic_100", panicked, 100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			requireGolden(t, Header(c.st, c.w, DefaultStyles()), c.w)
		})
	}
}

func TestTableGolden(t *testing.T) {
	for _, w := range []int{40, 60, 100, 160} {
		t.Run(widthName(w), func(t *testing.T) {
			requireGolden(t, Table(baseState(7), w, 8, DefaultStyles()), w)
		})
	}
	t.Run("scrolled_100", func(t *testing.T) {
		st := baseState(30)
		st.Selected = 20
		requireGolden(t, Table(st, 100, 8, DefaultStyles()), 100)
	})
}

func TestDetailGolden(t *testing.T) {
	for _, c := range []struct {
		name     string
		selected int
		w        int
	}{
		{"openai_100", 0, 100},
		{"azure_160", 1, 160},
		{"mistral_60", 6, 60},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := baseState(7)
			st.Selected = c.selected
			requireGolden(t, Detail(st, c.w, DetailHeight, DefaultStyles()), c.w)
		})
	}
}

func TestEventsGolden(t *testing.T) {
	t.Run("tail_100", func(t *testing.T) {
		requireGolden(t, Events(baseState(7), 100, 6, DefaultStyles()), 100)
	})
	t.Run("scrolled_focused_60", func(t *testing.T) {
		st := baseState(7)
		st.Focus, st.LogScroll = FocusEvents, 2
		requireGolden(t, Events(st, 60, 3, DefaultStyles()), 60)
	})
}

func TestScreenGolden(t *testing.T) {
	for _, w := range []int{60, 100, 160} {
		t.Run(widthName(w), func(t *testing.T) {
			st := baseState(7)
			st.Detail = true
			requireGolden(t, Render(st, w, 40, DefaultStyles()), w)
		})
	}
	t.Run("prompt_100", func(t *testing.T) {
		st := baseState(7)
		st.Prompt = "fail over from azure to anthropic? y/n"
		requireGolden(t, Render(st, 100, 24, DefaultStyles()), 100)
	})
	t.Run("min_40x10", func(t *testing.T) {
		requireGolden(t, Render(baseState(7), 40, 10, DefaultStyles()), 40)
	})
}

// TestWallGolden is the whole screen with four providers at the sizes the
// degradation order is written for (see Render): the compact 80×24, a
// 120×40 pane and a 200×60 wall, each with and without the detail pane.
func TestWallGolden(t *testing.T) {
	for _, c := range wallSizes {
		t.Run(c.name, func(t *testing.T) {
			requireGolden(t, Render(wallState(c.detail), c.w, c.h, DefaultStyles()), c.w)
		})
	}
}

// wallSizes are the screens of TestWallGolden.
var wallSizes = []struct {
	name   string
	w, h   int
	detail bool
}{
	{"80x24", 80, 24, false}, {"80x24_detail", 80, 24, true},
	{"120x40", 120, 40, false}, {"120x40_detail", 120, 40, true},
	{"200x60", 200, 60, false}, {"200x60_detail", 200, 60, true},
}

// wallState is four providers, the selection on the active one.
func wallState(detail bool) State {
	st := baseState(4)
	st.Detail = detail
	return st
}

func TestChartGolden(t *testing.T) {
	for _, w := range []int{60, 100, 160} {
		t.Run(widthName(w), func(t *testing.T) {
			requireGolden(t, Chart(baseState(7), w, 16, DefaultStyles()), w)
		})
	}
	t.Run("minimum_100", func(t *testing.T) {
		requireGolden(t, Chart(baseState(7), 100, chartMin, DefaultStyles()), 100)
	})
	t.Run("nothing_to_chart_100", func(t *testing.T) {
		st := baseState(7)
		for i := range st.Snap.Providers {
			st.Snap.Providers[i].Samples = nil
		}
		requireGolden(t, Chart(st, 100, chartMin, DefaultStyles()), 100)
	})
}

func TestTooSmallGolden(t *testing.T) {
	requireGolden(t, Render(baseState(7), 30, 8, DefaultStyles()), 30)
}

func TestNoColorGolden(t *testing.T) {
	st := baseState(7)
	st.Detail = true
	out := Render(st, 100, 40, PlainStyles())
	assertNoColour(t, out)
	requireGolden(t, out, 100)
}

func widthName(w int) string { return "width_" + itoa(w) }
