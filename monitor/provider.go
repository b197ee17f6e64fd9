package monitor

import (
	"fmt"
	"time"

	"switchboard/config"
	"switchboard/probes"
)

// Thresholds of the design that are not configurable.
const (
	downErrorRate      = 0.5
	downMinSamples     = 20
	degradedMinSamples = 5
	defaultRateLimit   = 5 * time.Second
	// An ejected provider that stays up this many hold-down caps in a row is
	// forgiven: its next ejection starts again at the base hold-down.
	forgiveAfterCaps = 2
)

// provider is the monitor's private, mutable record of one backend. Only the
// decider goroutine touches it.
type provider struct {
	cfg      config.Provider
	priority int
	enabled  bool
	carries  bool // its kind can serve the gateway's requests (not kind http)

	state State
	since time.Time
	cause string

	hist            *ring
	consecOK        int
	consecFail      int
	last            probes.Result
	hasLast         bool
	lastError       string
	routableSince   time.Time // samples before this do not count toward health (see countFrom)
	rateLimitedTill time.Time
	drainedUntil    time.Time
	ejections       int
	holddownUntil   time.Time
	rejoining       bool      // re-enabled and not recovered yet: its recovery has a hold-down
	reprobeAfter    time.Time // no re-probe for a passive failure before this
	official        *probes.StatusWord
	officialDown    bool
	cost            probeCost

	dirty  bool // snapshot copy must be rebuilt
	cached ProviderSnapshot
}

// stateChange describes one transition, for the event log.
type stateChange struct {
	from, to State
	cause    string
}

// observe feeds one probe or passive result into the health state machine.
func (p *provider) observe(r probes.Result, now time.Time, pol config.Policy, window time.Duration) *stateChange {
	p.dirty = true
	p.cost.count(r)
	if r.Source != probes.SourcePassive {
		p.last, p.hasLast = r, true
		p.hist.add(Sample{At: now, Latency: r.Latency, Class: r.Class})
	}
	if !p.enabled {
		return nil
	}
	if r.OK() {
		return p.onSuccess(r, now, pol, window)
	}
	if notProvidersFault(r) {
		return nil
	}
	p.lastError = r.Err
	if r.Err == "" {
		p.lastError = string(r.Class)
	}
	return p.onFailure(r, now, pol, window)
}

func (p *provider) onSuccess(r probes.Result, now time.Time, pol config.Policy, window time.Duration) *stateChange {
	p.consecFail = 0
	if r.Source == probes.SourcePassive {
		return nil // real traffic latency includes generation time: not a health signal for recovery
	}
	p.consecOK++
	switch p.state {
	case StateDown, StateMisconfigured:
		if p.officialDown || p.consecOK < pol.RecoverAfter {
			return nil
		}
		return p.recover(now, pol, fmt.Sprintf("recovered: %d× ok", p.consecOK))
	case StateRateLimited:
		if now.Before(p.rateLimitedTill) {
			return nil
		}
		return p.set(StateUp, now, "rate limit over", true)
	case StateUnknown:
		return p.set(StateUp, now, "first probe ok", true)
	}
	return p.reassess(now, pol, window)
}

func (p *provider) onFailure(r probes.Result, now time.Time, pol config.Policy, window time.Duration) *stateChange {
	p.consecOK = 0
	p.consecFail++
	switch r.Class {
	case probes.ClassAuth:
		return p.set(StateMisconfigured, now, short(fmt.Sprintf("auth %d: %s", r.Status, r.Err)), false)
	case probes.ClassClientError:
		// The probe's request is the config's (base_url, model,
		// deployment, api_version): a 404 or 400 to it is a wrong setting,
		// not an outage, and asking every second will not fix it.
		return p.set(StateMisconfigured, now, short(fmt.Sprintf("probe refused %d: %s", r.Status, r.Err)), false)
	case probes.ClassRateLimited:
		wait := r.RetryAfter
		if wait <= 0 {
			wait = defaultRateLimit
		}
		// One 429 must not take a provider out for as long as it asks (a
		// day, say): the cap bounds it, and the operator can end it sooner.
		wait = min(wait, pol.RetryAfterMax.D())
		p.rateLimitedTill = now.Add(wait)
		return p.set(StateRateLimited, now, "429, retry after "+human(wait.Round(time.Second)), false)
	}
	if !p.state.Routable() && p.state != StateRateLimited {
		return nil
	}
	if p.consecFail >= pol.FailAfter {
		return p.set(StateDown, now, fmt.Sprintf("%d× %s", p.consecFail, r.Class), false)
	}
	if rate, n := p.hist.errorRate(p.countFrom(now, window)); n >= downMinSamples && rate >= downErrorRate {
		return p.set(StateDown, now, fmt.Sprintf("error rate %.0f%% over %d samples", rate*100, n), false)
	}
	return nil
}

// notProvidersFault reports whether a failure seen on real traffic may be
// the request's own doing: a 4xx to the client's request (a bad request,
// a request too large for the provider's limit), or a timeout, which a
// generation longer than upstream_timeout also hits. Such a failure moves
// no health; a timeout asks for a probe instead (passiveReprobe), and the
// probe decides.
func notProvidersFault(r probes.Result) bool {
	if r.Source != probes.SourcePassive {
		return false
	}
	switch r.Class {
	case probes.ClassAuth, probes.ClassClientError, probes.ClassTimeout:
		return true
	}
	return false
}

// rejoin brings a provider the operator re-enables back as down. Whatever
// it was when disabled is stale, and unknown (as at startup) would be
// routable, so the gateway would send it traffic before any probe. As down
// it is probed at the suspect interval and comes back only by recovering:
// recover_after ok probes, then a hold-down, as after an outage.
func (p *provider) rejoin(now time.Time) *stateChange {
	p.consecOK, p.consecFail, p.rejoining = 0, 0, true
	return p.set(StateDown, now, "enabled by operator: routable once probes succeed", false)
}

// recover moves a down provider back up and starts its failback hold-down.
// A rejoining provider gets at least the base hold-down: a switch back to
// it is a failback like any other, but the operator's toggle is not an
// ejection that should double later hold-downs.
func (p *provider) recover(now time.Time, pol config.Policy, cause string) *stateChange {
	ejections := p.ejections
	if p.rejoining {
		ejections = max(ejections, 1)
	}
	if ejections > 0 {
		hold := holddownFor(ejections, pol)
		p.holddownUntil = now.Add(hold)
		cause += fmt.Sprintf(", hold-down %s", hold)
	}
	return p.set(StateUp, now, cause, true)
}

// holddownFor is the failback hold-down after n ejections: holddown doubled
// per ejection after the first, capped at holddown_max. It doubles step by
// step rather than shifting, so no count of ejections can overflow it.
func holddownFor(n int, pol config.Policy) time.Duration {
	hold, ceiling := pol.Holddown.D(), pol.HolddownMax.D()
	for i := 1; i < n && hold < ceiling; i++ {
		hold *= 2
	}
	return min(hold, ceiling)
}

// clearRateLimit ends a Retry-After window early, at the operator's word
// (re-enable, probe now, pin). The state stays rate-limited until a probe
// answers, so the provider takes no traffic on a guess; it reports whether
// there was a window to clear.
func (p *provider) clearRateLimit() bool {
	if p.rateLimitedTill.IsZero() {
		return false
	}
	p.rateLimitedTill, p.dirty = time.Time{}, true
	return true
}

// reassess flips between up and degraded on window latency and error rate.
func (p *provider) reassess(now time.Time, pol config.Policy, window time.Duration) *stateChange {
	if p.state != StateUp && p.state != StateDegraded {
		return nil
	}
	st := p.hist.windowStats(p.countFrom(now, window))
	ok := st.Samples - st.Failures
	slow := ok >= degradedMinSamples && st.P95 > pol.DegradedLatency.D()
	flaky := st.Samples >= degradedMinSamples && st.ErrorRate > pol.DegradedErrorRate
	switch {
	case (slow || flaky) && p.state == StateUp:
		cause := fmt.Sprintf("p95 %s > %s", human(st.P95), human(pol.DegradedLatency.D()))
		if !slow {
			cause = fmt.Sprintf("error rate %.0f%% > %.0f%%", st.ErrorRate*100, pol.DegradedErrorRate*100)
		}
		return p.set(StateDegraded, now, cause, false)
	case !slow && !flaky && p.state == StateDegraded:
		return p.set(StateUp, now, "latency and error rate back to normal", false)
	}
	return nil
}

// countFrom is where the health judgements start counting samples: the
// window, over which error rate and p95 are defined, but never before the
// provider last became routable (an old outage must not knock a recovered
// provider down again). Counting a long healthy past would let it outvote
// a present outage for most of an hour.
func (p *provider) countFrom(now time.Time, window time.Duration) time.Time {
	return later(now.Add(-window), p.routableSince)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// set changes state; enteringRoutable restarts the error-rate count so an
// old outage in the window cannot knock a recovered provider down again.
func (p *provider) set(to State, now time.Time, cause string, enteringRoutable bool) *stateChange {
	if p.state == to {
		p.cause = cause
		return nil
	}
	ch := &stateChange{from: p.state, to: to, cause: cause}
	p.state, p.since, p.cause = to, now, cause
	if enteringRoutable {
		p.routableSince = now
	}
	if to.Routable() {
		p.rejoining = false // back, by recovery or by a rate limit running out
	}
	if !to.Routable() {
		p.consecOK = 0
	}
	p.dirty = true
	return ch
}

// eligible reports whether the provider could take traffic: it carries
// traffic, is enabled, healthy enough and not officially down. A drain
// only postpones an eligible provider.
func (p *provider) eligible() bool {
	return p.carries && p.enabled && p.state.Routable() && !p.officialDown
}

// routable reports whether the policy may send traffic here now.
func (p *provider) routable(now time.Time) bool {
	return p.eligible() && !p.drained(now)
}

func (p *provider) drained(now time.Time) bool { return now.Before(p.drainedUntil) }

func (p *provider) inHolddown(now time.Time) bool { return now.Before(p.holddownUntil) }

// short trims an error text for a cause line.
func short(s string) string {
	const limit = 80
	if r := []rune(s); len(r) > limit {
		return string(r[:limit-1]) + "…"
	}
	return s
}
