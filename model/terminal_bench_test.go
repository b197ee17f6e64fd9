package model

import (
	"io"
	"strconv"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
)

// BenchmarkTerminalFrame is what Bubble Tea's renderer does with one
// changed frame, the same steps as its cursedRenderer.flush: clear the cell
// buffer, parse the whole View into it, diff it against the screen and
// write the difference. The frames alternate between two consecutive
// seconds of the 10-provider wall (the clock, the ages and the newest
// chart column change), so each op is the second a wall screen pays for
// once a second. In the running dashboard this, not View(), is most of
// the drawing's cost: it is done for every cell of the screen, however
// few of them changed.
func BenchmarkTerminalFrame(b *testing.B) {
	for _, size := range [][2]int{{160, 50}, {200, 60}} {
		w, h := size[0], size[1]
		b.Run(strconv.Itoa(w)+"x"+strconv.Itoa(h), func(b *testing.B) {
			frames := [2]string{wallFrame(b, w, h, 0), wallFrame(b, w, h, time.Second)}
			buf := uv.NewScreenBuffer(w, h)
			scr := uv.NewTerminalRenderer(io.Discard, []string{"TERM=tmux-256color"})
			scr.SetColorProfile(colorprofile.ANSI256)
			scr.SetFullscreen(true)
			scr.SetRelativeCursor(false)
			scr.SetScrollOptim(true) // as Bubble Tea sets it outside Windows
			scr.Resize(w, h)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				buf.Clear()
				uv.NewStyledString(frames[i%2]).Draw(buf, buf.Bounds())
				scr.Render(buf.RenderBuffer)
				if err := scr.Flush(); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// wallFrame is the model's View at w×h for the 10-provider fixture, the
// clock moved on by after.
func wallFrame(b *testing.B, w, h int, after time.Duration) string {
	b.Helper()
	m := New(newFake(fixture(10)), Options{Now: func() time.Time { return now.Add(after) }})
	b.Cleanup(m.Close)
	next, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return next.(Model).View().Content
}
