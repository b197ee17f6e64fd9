package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"switchboard/api"
	"switchboard/monitor"
	"switchboard/views"
)

// writeStatus prints what the dashboard's header and table say, one fact
// per "label: value" line (so a script can pick one with awk), then the
// providers in priority order, the active one marked with "*". Times are
// the server's, spans measured on its clock.
func writeStatus(w io.Writer, server string, st api.State) {
	who := fmt.Sprintf("as %s, %s", st.Caller.Name, st.Caller.Role)
	if st.Demo {
		who += ", DEMO"
	}
	fmt.Fprintf(w, "server:  %s (%s)\n", server, who)
	fmt.Fprintf(w, "active:  %s\n", activeLine(st))
	fmt.Fprintf(w, "mode:    %s\n", modeLine(st))
	if st.Pinned != nil {
		fmt.Fprintf(w, "pinned:  %s\n", pinLine(st))
	}
	fmt.Fprintf(w, "next:    %s\n", nameOr(st.Next, "none"))
	if t := st.Traffic; t.Enabled {
		errRate := "-"
		if t.Requests > 0 {
			errRate = views.FormatPercent(float64(t.Errors) / float64(t.Requests))
		}
		fmt.Fprintf(w, "gateway: %s · %.1f req/s · errors %s · retries %d\n", t.Listen, t.RatePerSecond, errRate, t.Retries)
	}
	fmt.Fprintln(w)
	if len(st.Providers) == 0 {
		fmt.Fprintln(w, "no providers configured")
		return
	}
	writeProviders(w, st)
}

// activeLine is the active backend, since when and why.
func activeLine(st api.State) string {
	if st.Active == nil {
		return "none (no provider is enabled)"
	}
	line := *st.Active
	if !st.ActiveSince.IsZero() {
		line += " since " + clock(st.ActiveSince) + " (" + views.FormatSpan(st.Now.Sub(st.ActiveSince)) + ")"
	}
	if st.ActiveCause != "" {
		line += ": " + firstLineOf(st.ActiveCause)
	}
	return line
}

// modeLine is who chooses the active backend, with what PANIC means.
func modeLine(st api.State) string {
	if st.Mode == string(monitor.ModePanic) {
		return st.Mode + " (nothing routable: the least-bad backend stays active)"
	}
	return st.Mode
}

// pinLine is the pinned provider, until when, and the dashboard's warning
// when it is pinned while its probes fail.
func pinLine(st api.State) string {
	p := st.Pinned
	line := p.Name + " until auto"
	if p.Until != nil {
		line = p.Name + " until " + clock(*p.Until) + " (in " + views.FormatSpan(p.Until.Sub(st.Now)) + ")"
	}
	for _, pr := range st.Providers {
		if pr.Name == p.Name && !monitor.State(pr.State).Routable() {
			line += "; ⚠ pinned while its probes fail (" + pr.State + ")"
		}
	}
	return line
}

// writeProviders is the dashboard's table in plain columns.
func writeProviders(w io.Writer, st api.State) {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tKIND\tSTATE\tIN ROTATION\tP50\tP95\tERR%\tLAST ERROR")
	for _, p := range st.Providers {
		mark, rotation, errRate := " ", "no", "-"
		if st.Active != nil && *st.Active == p.Name {
			mark = "*"
		}
		if p.InRotation {
			rotation = "yes"
		}
		if p.Samples > 0 {
			errRate = views.FormatPercent(p.ErrorRate)
		}
		fmt.Fprintf(tw, "%s %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", mark, p.Name, p.Kind,
			views.StateLabel(monitor.State(p.State)), rotation, views.FormatLatency(msDuration(p.P50MS)),
			views.FormatLatency(msDuration(p.P95MS)), errRate, firstLineOf(p.LastError))
	}
	_ = tw.Flush()
	for line := range strings.Lines(buf.String()) {
		fmt.Fprintln(w, strings.TrimRight(line, " \n")) // tabwriter pads the last cell too
	}
}

func msDuration(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }

// clock is a time of day as the dashboard shows it, in the time's zone.
func clock(t time.Time) string { return t.Format(time.TimeOnly) }

func firstLineOf(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimRight(line, "\r")
}
