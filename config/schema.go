package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Field names of each section, in the order the example documents them.
// A test checks them against the yaml tags in types.go.
var (
	topFields = []string{"interval", "suspect_interval", "timeout", "window", "status_interval",
		"shutdown_timeout", "state_dir", "event_retention", "policy", "gateway", "api", "providers", "notify", "fleet"}
	policyFields = []string{"fail_after", "recover_after", "degraded_latency", "degraded_error_rate",
		"failback", "holddown", "holddown_max", "drain_for", "retry_after_max"}
	gatewayFields = []string{"listen", "token", "max_attempts", "max_request_body", "max_response_buffer",
		"max_concurrent_requests", "retry_budget", "upstream_timeout", "body_timeout"}
	apiFields      = []string{"listen", "tokens"}
	apiTokenFields = []string{"name", "token", "role"}
	providerFields = []string{"name", "kind", "base_url", "api_key", "probe", "model", "deployment",
		"api_version", "interval", "timeout", "adaptive_timeout", "enabled", "status_page",
		"status_component", "status_page_authoritative", "models", "http"}
	httpFields   = []string{"method", "url", "headers", "body", "expect_status", "expect_body"}
	notifyFields = []string{"webhook", "exec", "on"}
)

// fields remembers where each key of one mapping was written, so checks
// made after decoding can point at the key or value they are about.
type fields struct {
	start pos
	keys  map[string]pos
	vals  map[string]pos
	// written is each value as the file has it, quoted for messages: never
	// the ${VAR}-expanded text, which may be a secret.
	written map[string]string
	// bad marks keys whose value was already reported as wrong, so a
	// later "missing" check does not pile a second message on it.
	bad map[string]bool
}

func (f *fields) has(k string) bool { _, ok := f.keys[k]; return ok }

// text is k's value as written in the file, quoted, for a message.
func (f *fields) text(k string) string { return f.written[k] }

// val is where k's value was written, or the mapping's start when k is absent.
func (f *fields) val(k string) pos {
	if p, ok := f.vals[k]; ok {
		return p
	}
	return f.start
}

// layout is the positions of every section of one file.
type layout struct {
	top, policy, gateway, api *fields
	fleet                     *fleetLayout
	// apiTokens is each entry of api.tokens that was a mapping.
	apiTokens []tokenLayout
	providers []providerLayout
	// items counts the entries of the providers list, valid or not, so an
	// all-invalid list is not also reported as empty.
	items int
}

type tokenLayout struct {
	path string // "api.tokens[1]"
	f    *fields
}

type providerLayout struct {
	path       string
	f, httpSec *fields
}

// mapping decodes the mapping at v, calling set for each known key and
// reporting unknown ones. A null or missing section decodes to nothing.
func (d *decoder) mapping(v ast.Node, path string, names []string, set func(key string, val ast.Node)) *fields {
	f := &fields{start: posOf(v), keys: map[string]pos{}, vals: map[string]pos{}, written: map[string]string{}, bad: map[string]bool{}}
	r := d.resolve(v)
	if _, null := r.(*ast.NullNode); isNil(r) || null {
		return f
	}
	es, ok := d.entries(r, path, 0)
	if !ok {
		d.add(posOf(v), "%s: expected a mapping, got %s", path, describe(r))
		return f
	}
	for _, e := range es {
		if !slices.Contains(names, e.key) {
			// "x-" keys at the top level hold anchors for merge keys,
			// as in docker compose files.
			if path == "" && strings.HasPrefix(e.key, "x-") {
				continue
			}
			d.unknown(e, path, names)
			continue
		}
		f.keys[e.key] = e.kpos
		f.vals[e.key] = posOf(e.val)
		f.written[e.key] = raw(e.val, d)
		before := len(d.errs)
		set(e.key, e.val)
		f.bad[e.key] = len(d.errs) > before
	}
	return f
}

func (d *decoder) unknown(e entry, path string, names []string) {
	if s := suggest(e.key, names); s != "" {
		d.add(e.kpos, "unknown field %s%s (did you mean %q?)", quote(e.key), where(path), s)
		return
	}
	d.add(e.kpos, "unknown field %s%s; valid fields: %s", quote(e.key), where(path), strings.Join(names, ", "))
}

// top decodes the whole document.
func (d *decoder) top(root ast.Node) (*Config, *layout) {
	c := &Config{}
	lay := &layout{policy: &fields{}, gateway: &fields{}, api: &fields{}}
	durs := map[string]*Duration{"interval": &c.Interval, "suspect_interval": &c.SuspectInterval,
		"timeout": &c.Timeout, "window": &c.Window, "status_interval": &c.StatusInterval,
		"shutdown_timeout": &c.ShutdownTimeout, "event_retention": &c.EventRetention}
	lay.top = d.mapping(root, "", topFields, func(key string, v ast.Node) {
		switch key {
		case "policy":
			lay.policy = d.policy(v, &c.Policy)
		case "gateway":
			c.Gateway = &Gateway{}
			lay.gateway = d.gatewaySection(v, c.Gateway)
		case "api":
			c.API = &API{}
			lay.api, lay.apiTokens = d.apiSection(v, c.API)
		case "providers":
			c.Providers, lay.providers, lay.items = d.providers(v)
		case "state_dir":
			d.str(v, key, &c.StateDir)
		case "notify":
			c.Notify = d.notifyList(v)
		case "fleet":
			c.Fleet = &Fleet{}
			lay.fleet = d.fleetSection(v, c.Fleet)
		default:
			d.duration(v, key, durs[key], durationLimits[key])
		}
	})
	return c, lay
}

func (d *decoder) policy(v ast.Node, p *Policy) *fields {
	durs := map[string]*Duration{"degraded_latency": &p.DegradedLatency, "holddown": &p.Holddown,
		"holddown_max": &p.HolddownMax, "drain_for": &p.DrainFor, "retry_after_max": &p.RetryAfterMax}
	return d.mapping(v, "policy", policyFields, func(key string, v ast.Node) {
		path := join("policy", key)
		switch key {
		case "fail_after":
			d.count(v, path, &p.FailAfter)
		case "recover_after":
			d.count(v, path, &p.RecoverAfter)
		case "degraded_error_rate":
			d.fraction(v, path, &p.DegradedErrorRate)
		case "failback":
			d.str(v, path, &p.Failback)
		default:
			d.duration(v, path, durs[key], durationLimits[path])
		}
	})
}

func (d *decoder) gatewaySection(v ast.Node, g *Gateway) *fields {
	return d.mapping(v, "gateway", gatewayFields, func(key string, v ast.Node) {
		path := join("gateway", key)
		switch key {
		case "listen":
			d.str(v, path, &g.Listen)
		case "token":
			d.str(v, path, &g.Token)
		case "max_attempts":
			d.count(v, path, &g.MaxAttempts)
		case "max_request_body":
			d.size(v, path, &g.MaxRequestBody)
		case "max_response_buffer":
			d.size(v, path, &g.MaxResponseBuffer)
		case "max_concurrent_requests":
			d.count(v, path, &g.MaxConcurrentRequests)
		case "retry_budget":
			d.fraction(v, path, &g.RetryBudget)
		case "upstream_timeout":
			d.duration(v, path, &g.UpstreamTimeout, durationLimits[path])
		case "body_timeout":
			d.duration(v, path, &g.BodyTimeout, durationLimits[path])
		}
	})
}

func (d *decoder) providers(v ast.Node) ([]Provider, []providerLayout, int) {
	r := d.resolve(v)
	if _, null := r.(*ast.NullNode); isNil(r) || null {
		return nil, nil, 0
	}
	seq, ok := r.(*ast.SequenceNode)
	if !ok {
		d.add(posOf(v), "providers: expected a list of providers, got %s", describe(r))
		return nil, nil, 1
	}
	var ps []Provider
	var lays []providerLayout
	for i, item := range seq.Values {
		path := fmt.Sprintf("providers[%d]", i)
		if _, ok := d.resolve(item).(ast.MapNode); !ok {
			d.add(posOf(item), "%s: expected a provider (a mapping with name, kind, ...), got %s", path, describe(d.resolve(item)))
			continue
		}
		p, lay := d.provider(item, path)
		ps = append(ps, p)
		lays = append(lays, lay)
	}
	return ps, lays, len(seq.Values)
}

func (d *decoder) provider(v ast.Node, path string) (Provider, providerLayout) {
	var p Provider
	lay := providerLayout{path: path, httpSec: &fields{}}
	strs := map[string]*string{"name": &p.Name, "kind": &p.Kind, "base_url": &p.BaseURL,
		"api_key": &p.APIKey, "probe": &p.Probe, "model": &p.Model, "deployment": &p.Deployment,
		"api_version": &p.APIVersion, "status_page": &p.StatusPage, "status_component": &p.StatusComponent}
	lay.f = d.mapping(v, path, providerFields, func(key string, v ast.Node) {
		fpath := join(path, key)
		switch key {
		case "interval":
			d.duration(v, fpath, &p.Interval, durationLimits["providers.interval"])
		case "timeout":
			d.duration(v, fpath, &p.Timeout, durationLimits["providers.timeout"])
		case "adaptive_timeout":
			d.flagPtr(v, fpath, &p.AdaptiveTimeout)
		case "enabled":
			d.flagPtr(v, fpath, &p.Enabled)
		case "status_page_authoritative":
			d.flag(v, fpath, &p.StatusPageAuthoritative)
		case "models":
			d.strMap(v, fpath, &p.Models)
		case "http":
			p.HTTP = &HTTPProbe{}
			lay.httpSec = d.httpProbe(v, fpath, p.HTTP)
		default:
			d.str(v, fpath, strs[key])
		}
	})
	return p, lay
}

func (d *decoder) httpProbe(v ast.Node, path string, h *HTTPProbe) *fields {
	strs := map[string]*string{"method": &h.Method, "url": &h.URL, "body": &h.Body, "expect_body": &h.ExpectBody}
	return d.mapping(v, path, httpFields, func(key string, v ast.Node) {
		fpath := join(path, key)
		switch key {
		case "headers":
			d.strMap(v, fpath, &h.Headers)
		case "expect_status":
			d.status(v, fpath, &h.ExpectStatus)
		default:
			d.str(v, fpath, strs[key])
		}
	})
}
