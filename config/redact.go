package config

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
)

// Mask replaces a secret when a config is printed.
const Mask = "REDACTED"

// Redacted returns a deep copy of c that is safe to print or log: API keys,
// the gateway and API tokens, secret-looking HTTP headers and secret-looking URL
// query parameters and passwords, webhook paths and credential-looking
// program arguments are replaced by Mask. c is not modified.
func Redacted(c *Config) *Config {
	if c == nil {
		return nil
	}
	out := *c
	if c.Gateway != nil {
		g := *c.Gateway
		g.Token = maskIfSet(g.Token)
		out.Gateway = &g
	}
	if c.API != nil {
		a := *c.API
		a.Tokens = slices.Clone(c.API.Tokens)
		for i, t := range a.Tokens {
			// Numbered, so a printed config with several tokens still
			// parses: two equal tokens are refused.
			if t.Token != "" {
				t.Token = Mask + "-" + strconv.Itoa(i+1)
			}
			a.Tokens[i] = t
		}
		out.API = &a
	}
	out.Notify = redactNotify(c.Notify)
	if c.Fleet != nil {
		fl := *c.Fleet
		fl.Etcd.Endpoints = slices.Clone(fl.Etcd.Endpoints)
		fl.Etcd.Password = maskIfSet(fl.Etcd.Password)
		fl.Etcd.TLS = clonePtr(fl.Etcd.TLS)
		out.Fleet = &fl
	}
	out.Providers = make([]Provider, len(c.Providers))
	for i, p := range c.Providers {
		p.APIKey = maskIfSet(p.APIKey)
		p.BaseURL = redactURL(p.BaseURL)
		p.StatusPage = redactURL(p.StatusPage)
		p.Models = maps.Clone(p.Models)
		p.AdaptiveTimeout = clonePtr(p.AdaptiveTimeout)
		p.Enabled = clonePtr(p.Enabled)
		if p.HTTP != nil {
			h := *p.HTTP
			h.URL = redactURL(h.URL)
			h.Headers = maps.Clone(h.Headers)
			for k, v := range h.Headers {
				if secretName(k) {
					h.Headers[k] = maskIfSet(v)
				}
			}
			p.HTTP = &h
		}
		out.Providers[i] = p
	}
	return &out
}

// String renders the config as YAML with every secret redacted, so that
// printing or logging a Config can never leak a key. Zero fields are left
// out, which keeps the output valid input for Parse.
func (c *Config) String() string {
	b, err := yaml.MarshalWithOptions(Redacted(c), yaml.OmitZero())
	if err != nil {
		return "config: " + err.Error()
	}
	return string(b)
}

func maskIfSet(s string) string {
	if s == "" {
		return ""
	}
	return Mask
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// secretName reports whether a header or query parameter name usually
// carries a credential (Authorization, x-api-key, api-key, key=, token=...).
func secretName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"auth", "key", "token", "secret", "password", "cookie", "signature", "sig"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// redactURL masks the password and secret-looking query values of a URL
// (Gemini-style ?key=...). Text that does not parse is masked whole only
// if it looks like it holds credentials.
func redactURL(s string) string {
	if s == "" {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		if strings.ContainsAny(s, "@?") {
			return Mask
		}
		return s
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), Mask)
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			if secretName(k) {
				q.Set(k, Mask)
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}
