package fleet

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"switchboard/monitor"
	"switchboard/probes"
)

// keys is the fleet's layout in etcd, every key under the configured
// prefix P (default /switchboard/), every value JSON unless said:
//
//	P leader/<lease>         the election (concurrency.Election): the replica's name
//	P replicas/<name>        a replica's record (replicaRecord), with its session's lease
//	P state                  the leader's published state (published): decisions, mode, route
//	P active                 the active backend's name alone (plain text), for commands' expectations
//	P events/<seq>           the event log (eventRecord), the newest maxEvents kept; seq is 20 digits
//	P commands/<id>          an operator's command waiting for the leader (commandRecord)
//	P results/<id>           the leader's answer to it (resultRecord), with the leader's lease
//	P reports/<replica>/<p>  a follower's passive results for provider p (reportRecord), with its lease
type keys struct {
	prefix, election, replicas, state, active, events, commands, results, reports string
}

func newKeys(prefix string) keys {
	return keys{prefix: prefix, election: prefix + "leader", replicas: prefix + "replicas/",
		state: prefix + "state", active: prefix + "active", events: prefix + "events/",
		commands: prefix + "commands/", results: prefix + "results/", reports: prefix + "reports/"}
}

// electionPrefix is what concurrency.Election puts its candidates under.
func (k keys) electionPrefix() string { return k.election + "/" }

func (k keys) event(seq uint64) string { return fmt.Sprintf("%s%020d", k.events, seq) }

func (k keys) command(id string) string { return k.commands + id }

func (k keys) result(id string) string { return k.results + id }

func (k keys) report(replica, provider string) string { return k.reports + replica + "/" + provider }

// replicaRecord is one replica, for the others' lists.
type replicaRecord struct {
	Name   string    `json:"name"`
	API    string    `json:"api"`
	Joined time.Time `json:"joined"`
}

// published is the leader's state: what it decided, by whom and when.
type published struct {
	Leader string             `json:"leader"`
	Term   int64              `json:"term"` // the leader's election key's create revision
	At     time.Time          `json:"at"`
	State  *monitor.Persisted `json:"state"`
}

// commandRecord is an operator's order on its way to the leader.
type commandRecord struct {
	Replica      string    `json:"replica"` // the replica it came through
	Actor        string    `json:"actor"`
	ExpectActive string    `json:"expect_active,omitempty"`
	At           time.Time `json:"at"`
	// Deadline is when the replica that asked stops waiting and
	// withdraws it; the leader does not apply it after.
	Deadline time.Time   `json:"deadline"`
	Command  wireCommand `json:"command"`
}

// wireCommand is a monitor.Command as etcd holds it.
type wireCommand struct {
	Kind     string        `json:"kind"` // failover | pin | auto | enable | disable | probe
	Provider string        `json:"provider,omitempty"`
	From     string        `json:"from,omitempty"` // failover
	To       string        `json:"to,omitempty"`   // failover
	For      time.Duration `json:"for,omitempty"`  // pin
	Stalled  bool          `json:"stalled,omitempty"`
}

func wireOf(cmd monitor.Command) (wireCommand, error) {
	switch c := cmd.(type) {
	case monitor.ForceFailover:
		return wireCommand{Kind: "failover", From: c.From, To: c.To}, nil
	case monitor.Pin:
		return wireCommand{Kind: "pin", Provider: c.Provider, For: c.For}, nil
	case monitor.Auto:
		return wireCommand{Kind: "auto"}, nil
	case monitor.SetEnabled:
		kind := "disable"
		if c.Enabled {
			kind = "enable"
		}
		return wireCommand{Kind: kind, Provider: c.Provider}, nil
	case monitor.ProbeNow:
		return wireCommand{Kind: "probe", Provider: c.Provider, Stalled: c.Stalled}, nil
	}
	return wireCommand{}, fmt.Errorf("fleet: cannot send the command %T", cmd)
}

func (w wireCommand) command() (monitor.Command, error) {
	switch w.Kind {
	case "failover":
		return monitor.ForceFailover{From: w.From, To: w.To}, nil
	case "pin":
		return monitor.Pin{Provider: w.Provider, For: w.For}, nil
	case "auto":
		return monitor.Auto{}, nil
	case "enable", "disable":
		return monitor.SetEnabled{Provider: w.Provider, Enabled: w.Kind == "enable"}, nil
	case "probe":
		return monitor.ProbeNow{Provider: w.Provider, Stalled: w.Stalled}, nil
	}
	return nil, fmt.Errorf("unknown command kind %q (a replica of another version?)", w.Kind)
}

// Result kinds: how the leader answered a command.
const (
	resultOK            = "ok"
	resultStale         = "stale"
	resultUnknown       = "unknown_provider"
	resultNoAlternative = "no_alternative"
	resultNotRecorded   = "not_recorded"
	resultRefused       = "refused"
	resultExpired       = "expired"
)

// resultRecord is the leader's answer to one command.
type resultRecord struct {
	Kind   string `json:"kind"`
	Msg    string `json:"msg,omitempty"`
	Active string `json:"active"`
	Seq    uint64 `json:"seq"`
	Leader string `json:"leader"`
}

// reportRecord is what a follower's traffic saw of one provider since its
// last report: its results in order (a run of successes as one, which is
// all the leader's state machine needs of them), and whether a request
// stalled there.
type reportRecord struct {
	Results []wireResult `json:"results,omitempty"`
	Stalled bool         `json:"stalled,omitempty"`
	At      time.Time    `json:"at"`
}

// wireResult is the part of a passive result the leader's health state
// machine reads.
type wireResult struct {
	Class      probes.Class  `json:"class"`
	Status     int           `json:"status,omitempty"`
	Latency    time.Duration `json:"latency,omitempty"`
	RetryAfter time.Duration `json:"retry_after,omitempty"`
	Err        string        `json:"err,omitempty"`
}

func decode[T any](data []byte) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(data, v); err != nil {
		return nil, err
	}
	return v, nil
}

func encode(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("fleet: cannot encode %T: %v", v, err)) // plain structs: never
	}
	return string(data)
}

// after returns what follows prefix in key, "" when key is not under it.
func after(key, prefix string) string {
	if rest, ok := strings.CutPrefix(key, prefix); ok {
		return rest
	}
	return ""
}
