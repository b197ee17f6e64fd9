package views

import (
	"reflect"
	"testing"
	"time"

	"charm.land/lipgloss/v2"

	"switchboard/internal/goldentest"
	"switchboard/monitor"
)

// colourScreen is one render whose golden keeps its colours.
type colourScreen struct {
	name   string
	w      int
	render func(Styles) string
}

// colourScreens render every panel with DefaultStyles. Their goldens keep
// the escape sequences (the other goldens strip them to show the layout
// alone), so a style whose colour changes fails here;
// TestColourGoldensSeeEveryStyle checks that each style reaches one of them.
func colourScreens() []colourScreen {
	header := func(name string, w int, st State) colourScreen {
		return colourScreen{"header_" + name, w, func(s Styles) string { return Header(st, w, s) }}
	}
	pinned := baseState(7)
	pinned.Snap.Mode, pinned.Snap.Pinned = monitor.ModePinned, "azure"
	pinned.Snap.PinnedUntil = now.Add(25 * time.Minute)
	forced := baseState(7)
	forced.Snap.Mode = monitor.ModeForced
	panicked := baseState(7)
	panicked.Snap.Mode, panicked.Snap.Active, panicked.Snap.Next = monitor.ModePanic, "", ""
	focused := baseState(7)
	focused.Focus, focused.LogScroll = FocusEvents, 2
	prompt := baseState(7)
	prompt.Prompt = "fail over from azure to anthropic? y/n"
	detail := baseState(7)
	detail.Detail = true
	failed := baseState(7)
	failed.Status, failed.StatusErr = "pin azure: monitor stopped", true
	return []colourScreen{
		header("auto_160", 160, baseState(7)),
		header("pinned_100", 100, pinned),
		header("forced_100", 100, forced),
		header("panic_100", 100, panicked),
		{"table_160", 160, func(s Styles) string { return Table(baseState(7), 160, 8, s) }},
		{"detail_openai_100", 100, func(s Styles) string {
			st := baseState(7)
			st.Selected = 0
			return Detail(st, 100, DetailHeight, s)
		}},
		{"events_tail_100", 100, func(s Styles) string { return Events(baseState(7), 100, 6, s) }},
		{"events_focused_60", 60, func(s Styles) string { return Events(focused, 60, 3, s) }},
		{"screen_detail_100", 100, func(s Styles) string { return Render(detail, 100, 40, s) }},
		{"screen_prompt_100", 100, func(s Styles) string { return Render(prompt, 100, 24, s) }},
		{"status_error_100", 100, func(s Styles) string { return StatusLine(failed, 100, s) }},
		{"too_small_30x8", 30, func(s Styles) string { return Render(baseState(7), 30, 8, s) }},
		{"chart_100", 100, func(s Styles) string { return Chart(baseState(7), 100, 16, s) }},
		// Fourteen rows show every colour of the providers' palette.
		{"table_14_160", 160, func(s Styles) string { return Table(baseState(14), 160, 15, s) }},
		{"wall_80x24", 80, func(s Styles) string { return Render(wallState(false), 80, 24, s) }},
		{"wall_120x40", 120, func(s Styles) string { return Render(wallState(false), 120, 40, s) }},
		{"wall_200x60", 200, func(s Styles) string { return Render(wallState(false), 200, 60, s) }},
		{"wall_200x60_detail", 200, func(s Styles) string { return Render(wallState(true), 200, 60, s) }},
	}
}

func TestColourGolden(t *testing.T) {
	for _, c := range colourScreens() {
		t.Run(c.name, func(t *testing.T) {
			goldentest.RequireColourScreen(t, c.render(DefaultStyles()), c.w)
		})
	}
}

// TestColourGoldensSeeEveryStyle recolours one style at a time and fails
// unless some colour golden's screen changes, so no style can change
// colour unseen by TestColourGolden.
func TestColourGoldensSeeEveryStyle(t *testing.T) {
	want := map[string]string{}
	for _, c := range colourScreens() {
		want[c.name] = goldentest.InProfile(c.render(DefaultStyles()), goldentest.GoldenProfile)
	}
	seen := func(s Styles) bool {
		for _, c := range colourScreens() {
			if goldentest.InProfile(c.render(s.finish()), goldentest.GoldenProfile) != want[c.name] {
				return true
			}
		}
		return false
	}
	odd := lipgloss.Color("#5f00af") // no style uses it
	v := reflect.ValueOf(DefaultStyles())
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			s := DefaultStyles()
			field := reflect.ValueOf(&s).Elem().Field(i)
			field.Set(reflect.ValueOf(field.Interface().(lipgloss.Style).Foreground(odd)))
			if !seen(s) {
				t.Errorf("no colour golden shows Styles.%s: recolouring it changed none of them", f.Name)
			}
		})
	}
	for i := range DefaultStyles().series {
		t.Run("series_"+itoa(i), func(t *testing.T) {
			s := DefaultStyles()
			s.series = append([]seriesStyle(nil), s.series...)
			s.series[i].style, s.series[i].ansi = s.series[i].style.Foreground(odd), 55 // 55 is #5f00af
			if !seen(s) {
				t.Errorf("no colour golden shows provider colour %d", i)
			}
		})
	}
	for st := range DefaultStyles().states {
		t.Run("state_"+string(st), func(t *testing.T) {
			s := DefaultStyles()
			s.states = map[monitor.State]lipgloss.Style{}
			for k, v := range DefaultStyles().states {
				s.states[k] = v
			}
			s.states[st] = s.states[st].Foreground(odd)
			if !seen(s) {
				t.Errorf("no colour golden shows the %s state's style", st)
			}
		})
	}
}
