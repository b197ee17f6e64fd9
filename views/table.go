package views

import (
	"strings"
	"time"

	"switchboard/monitor"
	"switchboard/probes"
)

// Table renders the provider table in priority order within h lines (one
// title row plus as many providers as fit, scrolled so the selected one is
// always visible).
func Table(st State, w, h int, s Styles) string {
	snap := st.Snap
	if snap == nil || h <= 0 {
		return ""
	}
	if len(snap.Providers) == 0 {
		return truncate(s.Label.Render("no providers configured"), w)
	}
	rows := h - 1
	n := len(snap.Providers)
	first := firstVisibleRow(st.Selected, rows, n)
	last := min(n, first+rows)
	pos := ""
	if first > 0 || last < n {
		// say which part of a long list is shown, in room kept at the right
		pos = itoa(first+1) + "-" + itoa(last) + "/" + itoa(n)
	}
	l := layoutColumns(snap, w-visibleWidth(pos)-min(len(pos), 1))

	var b strings.Builder
	b.WriteString(titleRow(&l, s, pos))
	for i := first; i < last; i++ {
		b.WriteByte('\n')
		b.WriteString(providerRow(st, i, i == st.Selected, &l, s))
	}
	return b.String()
}

// firstVisibleRow scrolls just enough to keep the selection on screen.
func firstVisibleRow(selected, rows, n int) int {
	if rows <= 0 || selected < rows {
		return 0
	}
	return min(selected-rows+1, max(0, n-rows))
}

// titleRow names the columns, followed by the scroll position if any.
func titleRow(l *tableLayout, s Styles, pos string) string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", gutterWidth))
	for c := colID(0); c < numCols; c++ {
		if !l.show[c] {
			continue
		}
		b.WriteByte(' ')
		if rightAligned[c] {
			b.WriteString(fitRight(colTitles[c], l.width[c]))
		} else {
			b.WriteString(fit(colTitles[c], l.width[c]))
		}
	}
	if pos != "" {
		b.WriteString(" " + pos)
	}
	return s.TableHeader.Render(strings.TrimRight(b.String(), " "))
}

// providerRow renders one provider. A stale row (no sample for 3 intervals)
// is greyed and its age marked with "!", so staleness reads without colour.
// Disconnected from a server, every row is stale: it is the last one seen.
func providerRow(st State, i int, selected bool, l *tableLayout, s Styles) string {
	p := &st.Snap.Providers[i]
	age, stale := sampleAge(p, st.Now)
	if !st.Live() && !stale {
		stale = true
		if age != none {
			age = "!" + age
		}
	}
	cell := func(text string, c colID) string {
		if rightAligned[c] {
			text = fitRight(text, l.width[c])
		} else {
			text = fit(text, l.width[c])
		}
		if stale {
			return s.paint("stale", text)
		}
		return text
	}
	var b strings.Builder
	b.WriteString(gutter(st, p, selected, s.seriesColour(i).span))
	for c := colID(0); c < numCols; c++ {
		if !l.show[c] {
			continue
		}
		b.WriteByte(' ')
		switch c {
		case colName:
			name := fit(p.Name, l.width[c])
			if selected || p.Name == st.Snap.Active {
				name = s.paint("selected", name)
			} else if stale {
				name = s.paint("stale", name)
			}
			b.WriteString(name)
		case colState:
			b.WriteString(s.paint("state:"+string(p.State), fit(StateLabel(p.State), l.width[c])))
		case colSpark:
			b.WriteString(Sparkline(p.Samples, l.width[c], s))
		case colLastErr:
			b.WriteString(s.paint("error", fit(firstLine(p.Stats.LastError), l.width[c])))
		case colAge:
			b.WriteString(cell(age, c))
		default:
			b.WriteString(cell(plainCell(p, c), c))
		}
	}
	return b.String()
}

// gutter is the cursor, the enabled mark and the active-backend mark. The
// enabled mark has the provider's colour, the colour of its chart line.
func gutter(st State, p *monitor.ProviderSnapshot, selected bool, colour span) string {
	cursor, enabled, active := " ", colour.wrap("●"), " "
	if selected {
		cursor = "›"
	}
	if !p.Enabled {
		enabled = "○"
	}
	if p.Name == st.Snap.Active {
		active = "▶"
	}
	return cursor + enabled + active
}

// plainCell is the text of a column that needs no style of its own.
func plainCell(p *monitor.ProviderSnapshot, c colID) string {
	switch c {
	case colKind:
		return p.Kind
	case colLast:
		if !p.HasLast {
			return none
		}
		if !p.Last.OK() {
			return "✗"
		}
		return fmtLatency(p.Last.Latency)
	case colP50:
		return fmtLatency(p.Stats.P50)
	case colP95:
		return fmtLatency(p.Stats.P95)
	case colErr:
		if p.Stats.Samples == 0 {
			return none
		}
		return fmtPercent(p.Stats.ErrorRate)
	case colAvail:
		if p.Stats.Samples == 0 {
			return none
		}
		return fmtPercent(p.Stats.Availability)
	case colOfficial:
		return officialWord(p.Official)
	case colServed:
		return itoa(p.Traffic.Served)
	default:
		return appCell(p, c)
	}
}

// appCell is a column of what the applications' own requests felt; "-"
// where no request of that kind reached the backend in the window.
func appCell(p *monitor.ProviderSnapshot, c colID) string {
	answered := p.Traffic.Served + p.Traffic.Failures
	switch {
	case answered == 0:
		return none
	case c == colReqRate:
		return strings.TrimSuffix(fmtRate(p.App.RatePerSecond), ".0")
	case c == colAppErr:
		return fmtPercent(float64(p.Traffic.Failures) / float64(answered))
	case c == colTTFT && p.App.Streams > 0:
		return fmtLatency(p.App.TTFTP50)
	case c == colTokRate && p.App.TokensPerSecond > 0:
		return fmtTokRate(p.App.TokensPerSecond)
	}
	return none
}

// sampleAge is the age of the provider's newest sample and whether it is
// stale: older than three probe intervals. Disabled providers are not
// probed, so they are never called stale.
func sampleAge(p *monitor.ProviderSnapshot, now time.Time) (string, bool) {
	var at time.Time
	switch {
	case len(p.Samples) > 0:
		at = p.Samples[len(p.Samples)-1].At
	case p.HasLast:
		at = p.Last.Start
	default:
		return none, false
	}
	d := now.Sub(at)
	if p.Enabled && p.Interval > 0 && d > 3*p.Interval {
		return "!" + fmtAge(d), true
	}
	return fmtAge(d), false
}

// officialWord shortens a status page's word for a narrow column.
func officialWord(w *probes.StatusWord) string {
	if w == nil {
		return none
	}
	if w.Err != "" {
		return "? unread"
	}
	word := w.Component
	if word == "" {
		word = w.Indicator
	}
	switch word {
	case "none":
		return "operational"
	case "degraded_performance":
		return "degraded"
	case "under_maintenance":
		return "maintenance"
	case "":
		return none
	}
	return strings.ReplaceAll(word, "_", " ")
}
