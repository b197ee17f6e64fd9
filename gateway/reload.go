package gateway

import (
	"errors"
	"reflect"
	"strings"

	"switchboard/config"
)

// backendSet is every provider the gateway can send traffic to, by name.
// A reload replaces the whole set at once; a request reads it once, when
// it starts, and finishes on the backends it began with.
type backendSet map[string]*backend

func newBackendSet(providers []config.Provider) *backendSet {
	set := make(backendSet, len(providers))
	for _, p := range providers {
		if p.CarriesTraffic() {
			set[p.Name] = newBackend(p)
		}
	}
	return &set
}

// RestartError says a reload changed gateway settings that only a restart
// applies. Everything else in the new config was applied; the gateway
// keeps running with its old settings.
type RestartError struct {
	// Fields are the changed settings, such as "gateway.listen", or
	// "gateway" when the section was added or removed. Never a value: a
	// token is a secret.
	Fields []string
}

func (e *RestartError) Error() string {
	return "gateway: " + strings.Join(e.Fields, ", ") +
		" changed; restart switchboard to apply it (the gateway keeps its running settings, the providers were reloaded)"
}

// Reload applies cfg's providers: new requests use the new backends (keys,
// URLs, models maps) at once, while requests in flight finish, retries
// included, on the set they started with. The gateway's own settings are
// not applied live: the listener is bound, and the other settings (token,
// limits, timeouts) are read by requests in flight without a lock. A
// changed gateway section is reported as a *RestartError, after the
// providers have been applied.
func (g *Gateway) Reload(cfg *config.Config) error {
	if cfg == nil {
		return errors.New("gateway: reload without a config")
	}
	set := newBackendSet(cfg.Providers)
	g.backends.Store(set)
	g.rescue.track(*set)
	if cfg.Gateway == nil {
		return &RestartError{Fields: []string{"gateway"}}
	}
	if changed := changedFields(g.cfg, *cfg.Gateway); len(changed) > 0 {
		return &RestartError{Fields: changed}
	}
	return nil
}

// changedFields names the gateway settings that differ, by their YAML
// names, in the order the struct declares them.
func changedFields(old, cur config.Gateway) []string {
	var out []string
	ov, cv, t := reflect.ValueOf(old), reflect.ValueOf(cur), reflect.TypeOf(old)
	for i := range t.NumField() {
		if reflect.DeepEqual(ov.Field(i).Interface(), cv.Field(i).Interface()) {
			continue
		}
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			name = strings.ToLower(t.Field(i).Name)
		}
		out = append(out, "gateway."+name)
	}
	return out
}
