package views

import (
	"strconv"
	"testing"
)

// BenchmarkView renders one full 160×50 screen (header, table, detail pane,
// events, footer) for 10, 50 and 200 providers.
func BenchmarkView(b *testing.B) {
	for _, n := range []int{10, 50, 200} {
		b.Run(strconv.Itoa(n)+"_providers", func(b *testing.B) {
			st := baseState(n)
			st.Selected, st.Detail = n/2, true
			s := DefaultStyles()
			b.ReportAllocs()
			for b.Loop() {
				_ = Render(st, 160, 50, s)
			}
		})
	}
}

// BenchmarkWall renders one 200×60 frame of the ops wall: the table, the
// latency chart of every provider, the event log, with and without the
// detail pane, for 4 and 10 providers.
func BenchmarkWall(b *testing.B) {
	for _, n := range []int{4, 10} {
		for _, detail := range []bool{false, true} {
			name := strconv.Itoa(n) + "_providers"
			if detail {
				name += "_detail"
			}
			b.Run(name, func(b *testing.B) {
				st := baseState(n)
				st.Detail = detail
				s := DefaultStyles()
				b.ReportAllocs()
				for b.Loop() {
					_ = Render(st, 200, 60, s)
				}
			})
		}
	}
}
