package probes

import (
	"errors"
	"fmt"

	"switchboard/config"
)

// notApplied ends the message for a provider that skipped config's defaults.
const notApplied = " (config defaults not applied)"

// unresolved reports what p lacks that config.ApplyDefaults always sets.
// Probes decides no default of its own: config is the one place they are
// decided, and a guess here (a chat probe for an empty style, a GET for an
// empty method) would silently probe something else than the file says.
// So a provider that did not come through config is refused, not patched.
func unresolved(p config.Provider) error {
	if p.Kind == config.KindHTTP {
		h := p.HTTP
		switch {
		case h == nil:
			return errors.New("no http request" + notApplied)
		case h.Method == "":
			return errors.New("no http.method" + notApplied)
		case h.URL == "":
			return errors.New("no http.url" + notApplied)
		case h.ExpectStatus == 0:
			return errors.New("http.expect_status is 0" + notApplied)
		}
		return nil
	}
	switch p.Probe {
	case config.ProbeModels, config.ProbeChat, config.ProbeStream:
	default:
		return fmt.Errorf("probe style %q is not models, chat or stream%s", p.Probe, notApplied)
	}
	if p.BaseURL == "" {
		return errors.New("no base_url" + notApplied)
	}
	return nil
}
