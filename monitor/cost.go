package monitor

import "switchboard/probes"

// probeCost is what a provider's own probes have spent since the monitor
// started: chat and stream probes are billed by the token. Passive results
// are the applications' traffic, not the probes', and do not count.
type probeCost struct {
	calls, tokens uint64
}

// count adds one probe's result.
func (c *probeCost) count(r probes.Result) {
	if r.Source == probes.SourcePassive {
		return
	}
	c.calls++
	c.tokens += uint64(max(r.Tokens, 0))
}
