package api

import (
	"context"
	"fmt"

	"switchboard/monitor"
)

// Send asks the server to apply cmd, as the dashboard's keys do. A
// refusal is an *Error with the server's status and reason. Once applied,
// Send waits (within the request timeout) for the stream to bring the
// snapshot that holds the command's events, so that Snapshot right after
// Send shows its effect, as the in-process monitor's does.
func (r *Remote) Send(cmd monitor.Command) error {
	req, err := RequestOf(cmd)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), r.client.timeout)
	defer cancel()
	res, err := r.client.Command(ctx, req)
	if err != nil {
		return err
	}
	r.waitSeen(ctx, res.Seq)
	return nil
}

// waitSeen returns once the snapshot holds event seq, the stream is down
// (no snapshot will come), or ctx ends.
func (r *Remote) waitSeen(ctx context.Context, seq uint64) {
	for {
		r.mu.Lock()
		done := newestSeq(r.snap) >= seq || !r.conn.Connected
		changed := r.changed
		r.mu.Unlock()
		if done {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		}
	}
}

// RequestOf is the API command for a monitor Command. A force failover
// names what the operator saw: From as the expected active backend, To as
// the expected next one, so the server refuses it (409) when either moved.
func RequestOf(cmd monitor.Command) (CommandRequest, error) {
	switch c := cmd.(type) {
	case monitor.ForceFailover:
		return CommandRequest{Action: ActionFailover, Provider: c.To, ExpectActive: c.From}, nil
	case monitor.Pin:
		req := CommandRequest{Action: ActionPin, Provider: c.Provider}
		if c.For > 0 {
			req.For = c.For.String()
		}
		return req, nil
	case monitor.Auto:
		return CommandRequest{Action: ActionAuto}, nil
	case monitor.SetEnabled:
		if c.Enabled {
			return CommandRequest{Action: ActionEnable, Provider: c.Provider}, nil
		}
		return CommandRequest{Action: ActionDisable, Provider: c.Provider}, nil
	case monitor.ProbeNow:
		return CommandRequest{Action: ActionProbe, Provider: c.Provider}, nil
	}
	return CommandRequest{}, fmt.Errorf("api: no API command for %T", cmd)
}
