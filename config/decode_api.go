package config

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
)

// apiSection decodes the api section and its tokens, keeping each token's
// positions for the checks made after decoding.
func (d *decoder) apiSection(v ast.Node, a *API) (*fields, []tokenLayout) {
	var toks []tokenLayout
	f := d.mapping(v, "api", apiFields, func(key string, v ast.Node) {
		switch key {
		case "listen":
			d.str(v, "api.listen", &a.Listen)
		case "tokens":
			a.Tokens, toks = d.apiTokens(v)
		}
	})
	return f, toks
}

func (d *decoder) apiTokens(v ast.Node) ([]APIToken, []tokenLayout) {
	r := d.resolve(v)
	if _, null := r.(*ast.NullNode); isNil(r) || null {
		return nil, nil
	}
	seq, ok := r.(*ast.SequenceNode)
	if !ok {
		d.add(posOf(v), "api.tokens: expected a list of tokens, got %s", describe(r))
		return nil, nil
	}
	var toks []APIToken
	var lays []tokenLayout
	for i, item := range seq.Values {
		path := fmt.Sprintf("api.tokens[%d]", i)
		if _, ok := d.resolve(item).(ast.MapNode); !ok {
			d.add(posOf(item), "%s: expected a token (a mapping with name, token, role), got %s", path, describe(d.resolve(item)))
			continue
		}
		var t APIToken
		strs := map[string]*string{"name": &t.Name, "token": &t.Token, "role": &t.Role}
		f := d.mapping(item, path, apiTokenFields, func(key string, v ast.Node) {
			d.str(v, join(path, key), strs[key])
		})
		toks = append(toks, t)
		lays = append(lays, tokenLayout{path: path, f: f})
	}
	return toks, lays
}
