package config

import (
	"slices"
	"strings"
)

// reservedActors are the actors the monitor itself names in events: a
// token called "policy" would make an operator's command read as the
// policy's own decision in the audit trail.
var reservedActors = []string{"policy", "gateway", "operator"}

// validateAPI checks the api section: the listen address (loopback unless
// there are tokens) and every token, with names and secrets unique so the
// audit trail can always tell who acted.
func (d *decoder) validateAPI(a *API, f *fields, toks []tokenLayout) {
	d.checkListen(f, "api", a.Listen, len(a.Tokens) > 0, DefaultAPIListen,
		"add api.tokens so only clients that hold one can read the state or act")
	names := map[string]tokenLayout{}
	secrets := map[string]tokenLayout{}
	for i, tl := range toks {
		t := a.Tokens[i]
		d.validateAPIToken(t, tl)
		if first, dup := names[t.Name]; dup && t.Name != "" {
			d.add(tl.f.val("name"), "%s.name: duplicate token name %s (first at line %d)",
				tl.path, tl.f.text("name"), first.f.val("name").line)
		} else {
			names[t.Name] = tl
		}
		if first, dup := secrets[t.Token]; dup && t.Token != "" {
			// Never quoted: the value is the secret.
			d.add(tl.f.val("token"), "%s.token: the same token as %s (line %d); give each holder a token of its own, "+
				"or the audit trail cannot tell them apart", tl.path, first.path, first.f.val("token").line)
		} else {
			secrets[t.Token] = tl
		}
	}
}

func (d *decoder) validateAPIToken(t APIToken, tl tokenLayout) {
	f, path := tl.f, tl.path
	d.require(f, path, "name", t.Name, ": events and logs name whoever uses the token by it")
	switch {
	case t.Name == "":
	case t.Name != strings.TrimSpace(t.Name) || strings.ContainsFunc(t.Name, isCTL):
		d.add(f.val("name"), "%s.name: %s has whitespace at an end or a control character", path, f.text("name"))
	case slices.Contains(reservedActors, t.Name):
		d.add(f.val("name"), "%s.name: %s is what events call switchboard's own actors (%s); choose another name",
			path, f.text("name"), strings.Join(reservedActors, ", "))
	}
	d.require(f, path, "token", t.Token, "")
	d.checkToken(t.Token, f, path)
	switch {
	case f.bad["role"]:
	case !f.has("role"):
		d.add(f.start, `%s: missing required field "role" (viewer: may read; operator: may also act)`, path)
	case t.Role != RoleViewer && t.Role != RoleOperator:
		d.add(f.val("role"), `%s.role: must be "viewer" or "operator", got %s`, path, f.text("role"))
	}
}
