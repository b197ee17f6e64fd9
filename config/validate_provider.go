package config

import (
	"fmt"
	"slices"
	"strings"
)

// validateProvider checks one provider: required fields for its kind, the
// probe style and every URL.
func (d *decoder) validateProvider(p *Provider, pl providerLayout) {
	f, path := pl.f, pl.path
	d.require(f, path, "name", p.Name, "")
	d.checkKind(p, f, path)
	if p.Probe != "" && p.Probe != ProbeModels && p.Probe != ProbeChat && p.Probe != ProbeStream {
		d.add(f.val("probe"), "%s.probe: must be one of models, chat, stream; got %s", path, f.text("probe"))
	}
	d.checkURLField(f, path, "base_url", p.BaseURL)
	d.checkURLField(f, path, "status_page", p.StatusPage)
	if p.StatusPage == "" {
		for _, k := range []string{"status_component", "status_page_authoritative"} {
			if f.has(k) {
				d.add(f.val(k), "%s.%s: needs status_page", path, k)
			}
		}
	}
	if p.HTTP != nil && p.Kind != KindHTTP && slices.Contains(kinds, p.Kind) {
		d.add(f.val("http"), "%s.http: only used by kind http", path)
	}
	if p.HTTP != nil {
		d.checkURLField(pl.httpSec, path+".http", "url", p.HTTP.URL)
		d.checkHTTPProbe(p.HTTP, pl.httpSec, path+".http")
	}
	if !slices.Contains(kinds, p.Kind) {
		return
	}
	d.requireForKind(p, f, path)
	d.requireModel(p, f, path)
}

// checkKind reports a missing or unknown kind, with the valid ones.
func (d *decoder) checkKind(p *Provider, f *fields, path string) {
	list := strings.Join(kinds, ", ")
	switch {
	case f.bad["kind"]:
	case p.Kind == "" && !f.has("kind"):
		d.add(f.start, "%s: missing required field \"kind\" (one of %s)", path, list)
	case p.Kind == "":
		d.add(f.val("kind"), "%s.kind: must not be empty (one of %s)", path, list)
	case !slices.Contains(kinds, p.Kind):
		hint := ""
		if s := suggest(p.Kind, kinds); s != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", s)
		}
		d.add(f.val("kind"), "%s.kind: unknown kind %s%s; valid kinds: %s", path, f.text("kind"), hint, list)
	}
}

// requireForKind checks the fields a kind cannot work without.
func (d *decoder) requireForKind(p *Provider, f *fields, path string) {
	forKind := " for kind " + p.Kind
	switch p.Kind {
	case KindOpenAI, KindAnthropic, KindGemini:
		d.require(f, path, "api_key", p.APIKey, forKind)
	case KindOpenAICompatible:
		d.require(f, path, "base_url", p.BaseURL, forKind)
	case KindAzureOpenAI:
		d.require(f, path, "base_url", p.BaseURL, forKind)
		d.require(f, path, "api_key", p.APIKey, forKind)
		d.require(f, path, "api_version", p.APIVersion, forKind)
		if p.APIVersion != "v1" {
			d.require(f, path, "deployment", p.Deployment, forKind+` (or use api_version: "v1")`)
		}
	case KindHTTP:
		if p.BaseURL == "" && (p.HTTP == nil || p.HTTP.URL == "") {
			d.add(f.start, "%s: kind http needs http.url or base_url", path)
		}
		if f.has("probe") {
			d.add(f.val("probe"), "%s.probe: not used by kind http (its request is set under http)", path)
		}
	}
}

// requireModel checks that chat and stream probes know which model to ask;
// an Azure deployment is itself a model.
func (d *decoder) requireModel(p *Provider, f *fields, path string) {
	if p.Probe != ProbeChat && p.Probe != ProbeStream || p.Kind == KindHTTP {
		return
	}
	if p.Kind == KindAzureOpenAI && p.Deployment != "" {
		return
	}
	d.require(f, path, "model", p.Model, " for probe "+p.Probe)
}

// require reports an empty required field: at its value when it was
// written empty, at the provider when it is absent.
func (d *decoder) require(f *fields, path, key, value, why string) {
	if value != "" || f.bad[key] {
		return
	}
	if f.has(key) {
		d.add(f.val(key), "%s.%s: must not be empty%s", path, key, why)
		return
	}
	d.add(f.start, "%s: missing required field %q%s", path, key, why)
}
