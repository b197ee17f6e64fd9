package model

import (
	"strconv"
	"testing"

	"switchboard/views"

	tea "charm.land/bubbletea/v2"
)

// BenchmarkView measures one full View() of the model at 160×50 (help bar
// and detail pane included) for 10, 50 and 200 providers.
func BenchmarkView(b *testing.B) {
	for _, n := range []int{10, 50, 200} {
		b.Run(strconv.Itoa(n)+"_providers", func(b *testing.B) {
			m := New(newFake(fixture(n)), Options{Now: fixedNow})
			defer m.Close()
			next, _ := m.Update(tea.WindowSizeMsg{Width: 160, Height: 50})
			m = next.(Model)
			m.selected, m.detail = n/2, true
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// BenchmarkWall is one View() of the whole 200×60 wall (chart, help bar)
// for 4 and 10 providers: the frame in which a column of the chart
// completes, which draws the chart's plot, and a frame within a column,
// which reuses it.
func BenchmarkWall(b *testing.B) {
	for _, n := range []int{4, 10} {
		for _, frame := range []string{"new_column", "same_column"} {
			b.Run(strconv.Itoa(n)+"_providers_"+frame, func(b *testing.B) {
				m := New(newFake(fixture(n)), Options{Now: fixedNow})
				defer m.Close()
				next, _ := m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
				m = next.(Model)
				b.ReportAllocs()
				for b.Loop() {
					if frame == "new_column" {
						*m.charts = views.ChartCache{} // as a completed column does
					}
					_ = m.View()
				}
			})
		}
	}
}
