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
