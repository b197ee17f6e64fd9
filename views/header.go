package views

import (
	"strings"
	"time"

	"switchboard/monitor"
)

// Header renders the top of the screen: the active backend (the one thing an
// operator must read from across the room), the mode, the next backend in
// line, the clock and the DEMO badge; then since when and why; then the
// gateway line when the gateway is on. Attached to a server, a line
// under the first names it, or says that the connection is down; in a
// fleet, a line names the replicas, the leader and the fleet store's state.
func Header(st State, w int, s Styles) string {
	snap := st.Snap
	if snap == nil {
		top := spread(s.Label.Render("waiting for the first snapshot…"), s.Clock.Render(fmtClock(st.Now)), w)
		if st.Link != nil {
			top += "\n" + linkLine(st.Link, w, s)
		}
		return top
	}
	lines := []string{headerTop(st, w, s)}
	if st.Link != nil {
		lines = append(lines, linkLine(st.Link, w, s))
	}
	if snap.Fleet != nil {
		lines = append(lines, fleetLine(snap.Fleet, st.Now, w, s))
	}
	lines = append(lines, headerWhy(st, w, s))
	if snap.Traffic.Enabled {
		lines = append(lines, gatewayLine(snap.Traffic, snap.Dropped, w, s))
	}
	return strings.Join(lines, "\n")
}

// headerTop is the first header line. When the width runs out the next
// backend goes first, then the clock; the active name and mode stay.
// Disconnected from a server, the name is only the last one seen, and the
// header says so rather than show it as the active backend.
func headerTop(st State, w int, s Styles) string {
	snap := st.Snap
	active := s.Active.Render("ACTIVE: " + snap.Active)
	switch {
	case !st.Live():
		active = s.Stale.Render("LAST SEEN ACTIVE: " + orNone(snap.Active))
	case snap.Active == "":
		active = s.ModePanic.Render("NO ACTIVE BACKEND")
	}
	left := active + "  " + modeBadge(snap, st.Now, s)
	next := ""
	if snap.Next != "" {
		next = "  " + s.Label.Render("next:") + " " + snap.Next
	}
	clock := s.Clock.Render(fmtClock(st.Now))
	demo := ""
	if snap.Demo {
		demo = s.Demo.Render("DEMO") + " "
	}
	candidates := [][2]string{
		{left + next, demo + clock},
		{left, demo + clock},
		{left, strings.TrimSpace(demo)},
		{left + " " + strings.TrimSpace(demo), ""},
	}
	for _, c := range candidates {
		if fits(c[0], c[1], w) {
			return spread(c[0], c[1], w)
		}
	}
	return truncate(left, w)
}

// modeBadge names who chooses the active backend; PANIC is the loudest
// style on screen and spelled so it reads without colour. A timed pin
// counts down: "PINNED bravo · 14m left".
func modeBadge(snap *monitor.Snapshot, now time.Time, s Styles) string {
	switch snap.Mode {
	case monitor.ModePinned:
		if left := snap.PinnedUntil.Sub(now); !snap.PinnedUntil.IsZero() && left > 0 {
			return s.ModePinned.Render("PINNED " + snap.Pinned + " · " + fmtLeft(left) + " left")
		}
		return s.ModePinned.Render("PINNED")
	case monitor.ModeForced:
		return s.ModeForced.Render("FORCED")
	case monitor.ModePanic:
		return s.ModePanic.Render("!! PANIC !!")
	case monitor.ModeAuto, "":
		return s.ModeAuto.Render("AUTO")
	default:
		return s.ModeAuto.Render(string(snap.Mode))
	}
}

// headerWhy says since when the active backend is active and why, plus
// what the mode implies (pin deadline, panic meaning).
func headerWhy(st State, w int, s Styles) string {
	snap := st.Snap
	var parts []string
	if snap.JournalErr != "" {
		// First, so a narrow screen cuts anything but this: decisions made
		// now are lost on a restart.
		parts = append(parts, s.Error.Render("⚠ state not saved: "+firstLine(snap.JournalErr)))
	}
	if !snap.ActiveSince.IsZero() {
		parts = append(parts, s.Label.Render("since")+" "+fmtClock(snap.ActiveSince)+
			" ("+fmtSpan(st.Now.Sub(snap.ActiveSince))+")")
	}
	if snap.ActiveCause != "" {
		parts = append(parts, firstLine(snap.ActiveCause))
	}
	switch snap.Mode {
	case monitor.ModePinned:
		if warn := pinWarning(snap); warn != "" {
			parts = append(parts, s.Error.Render(warn))
		}
		if u := until(snap.PinnedUntil, st.Now); u != "" {
			parts = append(parts, "pinned until "+u)
		} else {
			parts = append(parts, "pinned until auto (a)")
		}
	case monitor.ModePanic:
		parts = append(parts, "nothing routable: least-bad backend stays active")
	}
	if len(parts) == 0 {
		return ""
	}
	return truncate(strings.Join(parts, " · "), w)
}

// pinWarning says that the pinned backend takes the traffic although its
// probes fail: the pin wins, but the operator must know what they hold.
func pinWarning(snap *monitor.Snapshot) string {
	p, ok := snap.Provider(snap.Pinned)
	if !ok || p.State.Routable() {
		return ""
	}
	return "⚠ " + p.Name + " is pinned while its probes fail (" + string(p.State) + ")"
}

// gatewayLine summarises real traffic through the embedded gateway.
func gatewayLine(t monitor.Traffic, dropped uint64, w int, s Styles) string {
	errRate := none
	if t.Requests > 0 {
		errRate = fmtPercent(float64(t.Errors) / float64(t.Requests))
	}
	line := s.Label.Render("gateway") + " " + t.Listen +
		" · " + strings.TrimSuffix(fmtRate(t.RatePerSecond), ".0") + " req/s" +
		" · errors " + errRate +
		" · retries " + itoa(t.Retries)
	if dropped > 0 {
		// The counts above miss these: say so rather than show them as exact.
		line += " · " + s.Error.Render("dropped "+itoa(int(dropped))+" reports (monitor busy)")
	}
	return truncate(line, w)
}

// fits reports whether left and right fit side by side in w cells.
func fits(left, right string, w int) bool {
	lw, rw := visibleWidth(left), visibleWidth(right)
	if right == "" {
		return lw <= w
	}
	return lw+1+rw <= w
}

// sinceLabel is used by panels that show a state's age.
func sinceLabel(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	return "since " + fmtClock(t) + " (" + fmtSpan(now.Sub(t)) + ")"
}
