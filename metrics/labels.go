package metrics

import (
	"strings"

	"switchboard/config"
	"switchboard/monitor"
	"switchboard/probes"
)

// Label values that are not names from the config.
const (
	// none stands for "no backend": a request refused before any was
	// tried, or a failover to nothing (every provider disabled).
	none = "none"
	// other stands for a value outside the bounded set a label allows,
	// so that no label can grow without bound.
	other = "other"
)

// states are the values of provider_state's state label, in the order
// the design lists them; each provider has one series per state.
var states = []monitor.State{
	monitor.StateUnknown, monitor.StateUp, monitor.StateDegraded, monitor.StateDown,
	monitor.StateRateLimited, monitor.StateMisconfigured, monitor.StateDisabled,
}

// modes are the values of the mode gauge's label.
var modes = []monitor.Mode{monitor.ModeAuto, monitor.ModePinned, monitor.ModeForced, monitor.ModePanic}

// modeLabel is a mode as a label value: lower case, as label values are.
func modeLabel(m monitor.Mode) string { return strings.ToLower(string(m)) }

// classes are the outcome classes of probes and gateway attempts.
var classes = [...]probes.Class{
	probes.ClassOK, probes.ClassTimeout, probes.ClassDNS, probes.ClassConnect, probes.ClassTLS,
	probes.ClassServerError, probes.ClassRateLimited, probes.ClassAuth, probes.ClassClientError,
	probes.ClassBadResponse,
}

// classIndex is c's place in classes, or -1 for a class outside them. A
// switch rather than a map: it runs on the gateway's hot path.
func classIndex(c probes.Class) int {
	switch c {
	case probes.ClassOK:
		return 0
	case probes.ClassTimeout:
		return 1
	case probes.ClassDNS:
		return 2
	case probes.ClassConnect:
		return 3
	case probes.ClassTLS:
		return 4
	case probes.ClassServerError:
		return 5
	case probes.ClassRateLimited:
		return 6
	case probes.ClassAuth:
		return 7
	case probes.ClassClientError:
		return 8
	case probes.ClassBadResponse:
		return 9
	}
	return -1
}

// outcomes are the gateway's request outcomes (gateway.Outcomes(); a test
// holds the two lists equal, since metrics does not import the gateway).
var outcomes = [...]string{"ok", "client_error", "error", "broken", "canceled", "overloaded"}

// outcomeIndex is o's place in outcomes, or -1.
func outcomeIndex(o string) int {
	for i, v := range outcomes {
		if v == o {
			return i
		}
	}
	return -1
}

// noneOutcome reports whether a request can end with outcome o having
// tried no backend: those series of backend="none" are set up at start.
func noneOutcome(o string) bool { return o == "error" || o == "overloaded" }

// actorSet is the bounded set of actor label values: the monitor's own
// actors and the names of the config's API tokens (an operator's order
// through the API names its token). Any other actor counts as other.
func actorSet(cfg *config.Config) map[string]bool {
	set := map[string]bool{
		string(monitor.ActorPolicy): true, string(monitor.ActorOperator): true, string(monitor.ActorGateway): true,
	}
	if cfg != nil && cfg.API != nil {
		for _, t := range cfg.API.Tokens {
			if t.Name != "" {
				set[t.Name] = true
			}
		}
	}
	return set
}

// orNone is name, or none when it is empty.
func orNone(name string) string {
	if name == "" {
		return none
	}
	return name
}
