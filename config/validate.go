package config

import (
	"net"
	"net/url"
	"strconv"

	"switchboard/internal/localnet"
)

// kinds lists the valid provider kinds in the order messages show them.
var kinds = []string{KindOpenAI, KindOpenAICompatible, KindAzureOpenAI, KindAnthropic, KindGemini, KindOllama, KindHTTP}

// validate checks what the decoder cannot see field by field: required
// fields per kind, cross-field rules and unique names. c has no defaults
// applied yet, so "absent" and "zero" are still distinguishable.
func (d *decoder) validate(c *Config, lay *layout) {
	d.validatePolicy(c, lay.policy)
	if c.Gateway != nil {
		d.validateGateway(c.Gateway, lay.gateway)
	}
	if c.API != nil {
		d.validateAPI(c.API, lay.api, lay.apiTokens)
	}
	if c.Fleet != nil {
		d.validateFleet(c.Fleet, lay.fleet)
	}
	if lay.items == 0 {
		if lay.top.has("providers") {
			d.add(lay.top.val("providers"), "providers: the list is empty; add at least one provider")
		} else {
			d.add(lay.top.start, `no providers: add at least one under "providers:" (see config.example.yaml)`)
		}
	}
	names := map[string]pos{}
	for i := range c.Providers {
		p, pl := &c.Providers[i], lay.providers[i]
		d.validateProvider(p, pl)
		if p.Name == "" {
			continue
		}
		at := pl.f.val("name")
		if first, dup := names[p.Name]; dup {
			d.add(at, "%s.name: duplicate provider name %s (first at line %d)", pl.path, pl.f.text("name"), first.line)
			continue
		}
		names[p.Name] = at
	}
}

func (d *decoder) validatePolicy(c *Config, f *fields) {
	p := c.Policy
	if p.Failback != "" && p.Failback != FailbackAuto && p.Failback != FailbackManual {
		d.add(f.val("failback"), `policy.failback: must be "auto" or "manual", got %s`, f.text("failback"))
	}
	hold, max := orDur(p.Holddown, DefaultHolddown), orDur(p.HolddownMax, DefaultHolddownMax)
	if hold > max {
		if f.has("holddown_max") {
			d.add(f.val("holddown_max"), "policy.holddown_max: must be at least holddown (%s), got %s", hold, max)
		} else {
			d.add(f.val("holddown"), "policy.holddown: must be at most holddown_max (%s by default), got %s", max, hold)
		}
	}
}

func orDur(d, def Duration) Duration {
	if d == 0 {
		return def
	}
	return d
}

func (d *decoder) validateGateway(g *Gateway, f *fields) {
	d.checkToken(g.Token, f, "gateway")
	d.checkListen(f, "gateway", g.Listen, g.Token != "", DefaultListen,
		"set gateway.token so only clients that know it can use the gateway")
}

// checkListen checks a section's listen address: host:port, and loopback
// unless the section has a secret (fix says how to add one).
func (d *decoder) checkListen(f *fields, section, listen string, secured bool, example, fix string) {
	if !f.has("listen") || listen == "" {
		return
	}
	at := f.val("listen")
	host, port, err := net.SplitHostPort(listen)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 0 || n > 65535 {
		d.add(at, `%s.listen: must be host:port such as %q, got %s`, section, example, f.text("listen"))
		return
	}
	if !localnet.IsLoopback(host) && !secured {
		d.add(at, "%s.listen: %s is not a loopback address; %s", section, f.text("listen"), fix)
	}
}

// checkURL reports what is wrong with an endpoint URL, "" when it is fine.
// The URL itself is never quoted: it may carry a key in its query.
func checkURL(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "is not a valid URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return "must start with http:// or https://"
	case u.Host == "":
		return "has no host"
	}
	return ""
}

func (d *decoder) checkURLField(f *fields, path, key, value string) {
	if value == "" {
		return
	}
	if msg := checkURL(value); msg != "" {
		d.add(f.val(key), "%s.%s: %s", path, key, msg)
	}
}
