package views

import (
	"strconv"
	"time"
)

// Link is the dashboard's connection to a switchboard serve when it is
// attached to one; State.Link is nil when the monitor runs in this
// process, and nothing on the screen changes then.
type Link struct {
	Server    string    // the server's base URL
	As        string    // who the server knows us as, e.g. "oncall (operator)"; "" if unknown
	Connected bool      // a stream is open: the snapshot is live
	Since     time.Time // when Connected last changed
	Ever      bool      // a snapshot has arrived at least once
	Err       string    // why the last attempt failed or the stream ended
	Attempts  int       // failed attempts since the stream was last open
}

// Live reports whether what the screen shows is live: always in process,
// and only while the stream is open when attached.
func (st State) Live() bool { return st.Link == nil || st.Link.Connected }

// linkLine names the server the dashboard is attached to or, when the
// stream is down, says so loudly: the rows below are the last ones seen.
func linkLine(l *Link, w int, s Styles) string {
	switch {
	case l.Connected:
		line := s.Label.Render("attached to") + " " + l.Server
		if l.As != "" {
			line += " " + s.Label.Render("as") + " " + l.As
		}
		return truncate(line, w)
	case !l.Ever:
		return truncate(s.Label.Render("connecting to")+" "+l.Server+retrying(l), w)
	}
	warn := s.ModePanic.Render("✗ disconnected since " + fmtClock(l.Since) + ", retrying")
	return truncate(warn+" "+l.Server+retrying(l), w)
}

// retrying says how many attempts failed and why the last one did.
func retrying(l *Link) string {
	if l.Attempts == 0 && l.Err == "" {
		return ""
	}
	out := " · "
	if l.Attempts > 0 {
		out += strconv.Itoa(l.Attempts) + " failed "
		if l.Attempts == 1 {
			out += "attempt"
		} else {
			out += "attempts"
		}
	}
	if l.Err != "" {
		if l.Attempts > 0 {
			out += ": "
		}
		out += firstLine(l.Err)
	}
	return out
}
