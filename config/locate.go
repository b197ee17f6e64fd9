package config

// positions indexes where each value of a parsed file was written, by its
// path as messages name it ("interval", "policy.holddown",
// "providers[1].api_key", "providers[2].http.url").
type positions map[string]pos

// positionsOf collects them from the layout the decoder recorded. Only a
// file without errors is indexed, so provider i of the layout is provider
// i of the Config.
func positionsOf(lay *layout) positions {
	at := positions{}
	index := func(path string, f *fields) {
		if f == nil {
			return
		}
		for k, p := range f.vals {
			at[join(path, k)] = p
		}
	}
	index("", lay.top)
	index("policy", lay.policy)
	index("gateway", lay.gateway)
	index("api", lay.api)
	for _, tl := range lay.apiTokens {
		index(tl.path, tl.f)
	}
	if fl := lay.fleet; fl != nil {
		index("fleet", fl.f)
		index("fleet.etcd", fl.etcd)
		index("fleet.etcd.tls", fl.tls)
	}
	for _, pl := range lay.providers {
		index(pl.path, pl.f)
		index(pl.path+".http", pl.httpSec)
	}
	return at
}

// At returns where the value of field was written in the file c was parsed
// from, as an Error whose Msg the caller fills in: a program that checks a
// parsed config further (switchboard validate's warnings) then points at
// the value exactly as Parse's own messages do. field is a path as those
// messages write it, such as "providers[1].api_key". ok is false when the
// field was not written in the file, or c was not parsed from one.
func (c *Config) At(field string) (e Error, ok bool) {
	p, ok := c.where[field]
	if !ok {
		return Error{}, false
	}
	return Error{File: c.Path, Line: p.line, Col: p.col}, true
}
