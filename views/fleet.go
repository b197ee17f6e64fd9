package views

import (
	"strconv"
	"strings"
	"time"

	"switchboard/monitor"
)

// fleetLine is the header's line about the fleet a replica is part of:
// how many replicas, which leads, which one this is, and whether the
// fleet store (etcd) answers. When it does not, the line says so first,
// in the loudest style: every replica routes on its last route and
// operator commands are refused until it is back.
func fleetLine(f *monitor.FleetStatus, now time.Time, w int, s Styles) string {
	names := make([]string, len(f.Replicas))
	for i, r := range f.Replicas {
		names[i] = r.Name
		if r.Name == f.Leader {
			names[i] += "★"
		}
	}
	leader := s.Label.Render("leader") + " " + f.Leader
	if f.Leader == "" {
		leader = s.Error.Render("no leader")
	}
	parts := []string{
		s.Label.Render("fleet") + " " + strconv.Itoa(len(f.Replicas)) + " " + plural(len(f.Replicas), "replica", "replicas") +
			" (" + strings.Join(names, " ") + ")",
		leader,
		s.Label.Render("this") + " " + f.Replica,
	}
	if f.StoreOK {
		parts = append(parts, s.Label.Render("store")+" ok")
	} else {
		warn := s.ModePanic.Render("⚠ fleet store unreachable since " + fmtClock(f.Since) + " (" + fmtSpan(now.Sub(f.Since)) + ")")
		parts = append([]string{warn + " " + s.Error.Render("routing on the last route; commands refused")}, parts...)
	}
	return truncate(strings.Join(parts, " · "), w)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
