package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"switchboard/monitor"
)

// Actions of POST /api/v1/commands.
const (
	ActionFailover = "failover" // provider: the backend expected next (optional)
	ActionPin      = "pin"      // provider required; for: optional duration
	ActionAuto     = "auto"
	ActionEnable   = "enable"  // provider required
	ActionDisable  = "disable" // provider required
	ActionProbe    = "probe"   // provider optional: all when absent
)

const actions = "failover, pin, auto, enable, disable, probe"

// maxCommandBody bounds a command's body: a command is a few dozen bytes.
const maxCommandBody = 64 << 10

// commandReadTimeout bounds reading a command's body.
const commandReadTimeout = 10 * time.Second

// maxPinFor bounds a timed pin; a longer one is a typo, and a pin without
// "for" already lasts until "auto".
const maxPinFor = 30 * 24 * time.Hour

// CommandRequest is the body of POST /api/v1/commands.
type CommandRequest struct {
	Action   string `json:"action"`
	Provider string `json:"provider,omitempty"`
	For      string `json:"for,omitempty"` // pin only: "15m", "1h30m"
	// ExpectActive, when set, applies the command only while this backend
	// is still active (409 otherwise): what the operator saw when acting.
	ExpectActive string `json:"expect_active,omitempty"`
}

// CommandResult is the body of a 200 answer to a command.
type CommandResult struct {
	OK     bool    `json:"ok"`
	Active *string `json:"active"` // the active backend once applied
	Seq    uint64  `json:"seq"`    // the newest event's seq once applied
}

func (s *Server) command(w http.ResponseWriter, r *http.Request, who caller) {
	var req CommandRequest
	status, msg := decodeCommand(w, r, &req)
	var ack monitor.Ack
	if status == http.StatusOK {
		var cmd monitor.Command
		if cmd, msg = commandOf(req); msg != "" {
			status = http.StatusBadRequest
		} else {
			var err error
			ack, err = s.src.Apply(monitor.Order{Command: cmd, Actor: who.actor, ExpectActive: req.ExpectActive})
			status, msg = s.refusal(err)
		}
	}
	s.log.Info("command", "actor", string(who.actor), "action", req.Action, "provider", req.Provider,
		"expect_active", req.ExpectActive, "status", status, "result", orOK(msg), "active", ack.Active, "seq", ack.Seq)
	if status != http.StatusOK {
		writeError(w, status, "%s", msg)
		return
	}
	writeJSON(w, http.StatusOK, CommandResult{OK: true, Active: orNull(ack.Active), Seq: ack.Seq})
}

// decodeCommand reads the body through a limit. Unknown fields are
// refused: a misspelt "expect_active" would silently drop the very
// expectation that keeps a command from acting on a stale screen.
func decodeCommand(w http.ResponseWriter, r *http.Request, req *CommandRequest) (int, string) {
	// A client that trickles its body would hold the connection: the
	// server has no overall read timeout, because streams must not have one.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(commandReadTimeout))
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxCommandBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(req)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("command body larger than %d bytes", maxCommandBody)
	case err != nil:
		return http.StatusBadRequest, `the body must be one JSON object such as {"action": "pin", "provider": "azure"}: ` +
			strings.TrimPrefix(err.Error(), "json: ")
	}
	return http.StatusOK, ""
}

// commandOf turns a request into a monitor Command, or says what is wrong
// with it.
func commandOf(req CommandRequest) (monitor.Command, string) {
	needs := func(what string) string {
		return fmt.Sprintf("%s needs a provider: {\"action\": %q, \"provider\": NAME}", what, what)
	}
	if req.For != "" && req.Action != ActionPin {
		return nil, fmt.Sprintf(`"for" applies to pin only, not to %q`, req.Action)
	}
	switch req.Action {
	case ActionFailover:
		return monitor.ForceFailover{From: req.ExpectActive, To: req.Provider}, ""
	case ActionPin:
		if req.Provider == "" {
			return nil, needs(req.Action)
		}
		d, msg := pinFor(req.For)
		return monitor.Pin{Provider: req.Provider, For: d}, msg
	case ActionAuto:
		if req.Provider != "" {
			return nil, "auto applies to every provider: send it without one"
		}
		return monitor.Auto{}, ""
	case ActionEnable, ActionDisable:
		if req.Provider == "" {
			return nil, needs(req.Action)
		}
		return monitor.SetEnabled{Provider: req.Provider, Enabled: req.Action == ActionEnable}, ""
	case ActionProbe:
		return monitor.ProbeNow{Provider: req.Provider}, ""
	case "":
		return nil, "action is required: one of " + actions
	}
	return nil, fmt.Sprintf("unknown action %q: one of %s", req.Action, actions)
}

func pinFor(s string) (time.Duration, string) {
	if s == "" {
		return 0, ""
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Second || d > maxPinFor {
		return 0, fmt.Sprintf(`"for" must be a duration from 1s to %s such as "15m" or "1h30m", got %q`, maxPinFor, s)
	}
	return d, ""
}

// refusal maps the monitor's answer to a status and a message: 400 for a
// provider it does not know, 409 for a command the current state refuses
// (a stale expectation, nowhere to fail over to, a disabled provider),
// 503 while the monitor is not running or cannot record the decision.
func (s *Server) refusal(err error) (int, string) {
	var stale *monitor.StaleError
	switch {
	case err == nil:
		return http.StatusOK, ""
	case errors.Is(err, monitor.ErrUnknownProvider):
		return http.StatusBadRequest, err.Error() + "; providers: " + s.providerNames()
	case errors.As(err, &stale):
		return http.StatusConflict, stale.Msg + "; look again and retry"
	case errors.Is(err, monitor.ErrNotRunning):
		return http.StatusServiceUnavailable, "switchboard is starting or stopping and cannot apply commands now; retry shortly"
	case errors.Is(err, monitor.ErrNotRecorded):
		return http.StatusServiceUnavailable, err.Error() + "; nothing was changed"
	}
	return http.StatusConflict, err.Error()
}

func (s *Server) providerNames() string {
	snap := s.src.Snapshot()
	names := make([]string, len(snap.Providers))
	for i, p := range snap.Providers {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

func orOK(msg string) string {
	if msg == "" {
		return "ok"
	}
	return msg
}
