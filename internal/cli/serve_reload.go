package cli

import (
	"errors"
	"reflect"

	"switchboard/config"
	"switchboard/gateway"
)

// reload reads the config file again (SIGHUP). A file with errors is
// refused, each FILE:LINE:COL logged, and nothing changes. A valid one is
// applied to the monitor and the gateway; what only a restart applies
// (gateway settings, shutdown_timeout) keeps its running value and is
// logged as such, so the running state and the log agree.
func (sv *server) reload() {
	sv.log.Info("reloading config", "config", sv.path)
	next, err := config.Load(sv.path)
	if err != nil {
		logConfigError(sv.log, "reload refused; the running config stays", err)
		return
	}
	sv.secrets.add(next)
	logPlaceholders(sv.log, next)

	var restart []string
	if sv.gw != nil {
		var re *gateway.RestartError
		switch err := sv.gw.Reload(next); {
		case errors.As(err, &re):
			restart = append(restart, re.Fields...)
		case err != nil:
			sv.log.Error("gateway reload failed", "error", err.Error())
		}
	} else if next.Gateway != nil {
		restart = append(restart, "gateway")
	}
	if next.ShutdownTimeout != sv.cfg.ShutdownTimeout {
		restart = append(restart, "shutdown_timeout")
	}
	if !reflect.DeepEqual(next.Fleet, sv.cfg.Fleet) {
		restart = append(restart, "fleet")
	}
	applied := *next
	applied.Gateway, applied.ShutdownTimeout, applied.Fleet = sv.cfg.Gateway, sv.cfg.ShutdownTimeout, sv.cfg.Fleet
	if err := sv.mon.Reload(&applied); err != nil {
		sv.log.Error("monitor reload failed", "error", err.Error())
		return
	}
	added, removed, changed := diffProviders(sv.cfg.Providers, applied.Providers)
	sv.cfg = &applied
	sv.log.Info("config reloaded", "config", sv.path, "providers", len(applied.Providers),
		"added", added, "removed", removed, "changed", changed)
	if len(restart) > 0 {
		sv.log.Warn("config reloaded, but these settings apply only after a restart; they keep their running values",
			"settings", restart)
	}
}

// diffProviders names the providers added, removed and changed (any
// setting) from old to next, in config order.
func diffProviders(old, next []config.Provider) (added, removed, changed []string) {
	added, removed, changed = []string{}, []string{}, []string{} // logged as [], not null
	before := map[string]config.Provider{}
	for _, p := range old {
		before[p.Name] = p
	}
	after := map[string]bool{}
	for _, p := range next {
		after[p.Name] = true
		switch q, ok := before[p.Name]; {
		case !ok:
			added = append(added, p.Name)
		case !reflect.DeepEqual(p, q):
			changed = append(changed, p.Name)
		}
	}
	for _, p := range old {
		if !after[p.Name] {
			removed = append(removed, p.Name)
		}
	}
	return added, removed, changed
}
