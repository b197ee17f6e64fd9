package api

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/internal/sourcetest"
	"switchboard/monitor"
)

// remote returns a Remote of e's server that has its first snapshot.
func (e *env) remote(token string, opts RemoteOptions) *Remote {
	e.t.Helper()
	r := NewRemote(e.client(token), opts)
	e.t.Cleanup(r.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.WaitConnected(ctx); err != nil {
		e.t.Fatal(err)
	}
	return r
}

// The Remote keeps the contract of every stand-in for the monitor, against
// a real server over a real monitor.
func TestRemoteKeepsTheSourceContract(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := start(t, Options{})
		sourcetest.Contract(t, e.remote(opsToken, RemoteOptions{}))
	})
}

// TestRemoteSendShowsItsEffect: once Send returns, Snapshot already shows
// the command's effect, as the in-process monitor's does; a command on a
// stale view is refused with the server's 409 and reason.
func TestRemoteSendShowsItsEffect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := start(t, Options{})
		r := e.remote(opsToken, RemoteOptions{})
		if err := r.Send(monitor.ForceFailover{From: "alpha", To: "bravo"}); err != nil {
			t.Fatal(err)
		}
		if s := r.Snapshot(); s.Active != "bravo" || s.Mode != monitor.ModeForced {
			t.Fatalf("right after Send: active %s mode %s, want bravo FORCED", s.Active, s.Mode)
		}
		if last := r.Snapshot().Events[len(r.Snapshot().Events)-1]; last.Actor != "oncall" {
			t.Errorf("the failover's events name %q, want the token's name oncall", last.Actor)
		}
		err := r.Send(monitor.ForceFailover{From: "alpha", To: "bravo"})
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.Status != 409 || apiErr.Msg == "" {
			t.Fatalf("a failover from a backend no longer active: %v, want a 409 *Error", err)
		}
		if got := e.mon.Snapshot().Active; got != "bravo" {
			t.Errorf("the stale failover moved traffic to %s", got)
		}
	})
}

// TestRemoteViewerCannotAct: a viewer's Remote follows the state but its
// commands are refused (403) and change nothing.
func TestRemoteViewerCannotAct(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := start(t, Options{})
		r := e.remote(viewToken, RemoteOptions{})
		if r.Snapshot().Active != "alpha" {
			t.Fatalf("viewer's snapshot: active %q", r.Snapshot().Active)
		}
		for _, cmd := range []monitor.Command{monitor.Pin{Provider: "bravo"}, monitor.ForceFailover{}, monitor.SetEnabled{Provider: "alpha"}} {
			err := r.Send(cmd)
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.Status != 403 {
				t.Errorf("%T as a viewer: %v, want 403", cmd, err)
			}
		}
		if s := e.mon.Snapshot(); s.Active != "alpha" || s.Mode != monitor.ModeAuto || !s.Providers[0].Enabled {
			t.Errorf("a viewer's commands changed the monitor: active %s mode %s", s.Active, s.Mode)
		}
	})
}

// TestRemoteReconnects: when the server goes away the Remote says so at
// once and keeps the last snapshot without calling it live; when the
// server returns it reconnects by itself and catches up.
func TestRemoteReconnects(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := start(t, Options{})
		r := e.remote(viewToken, RemoteOptions{})
		sub, unsubscribe := r.Subscribe()
		defer unsubscribe()
		<-sub

		dropped := time.Now()
		if err := e.stop(); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		down := r.Conn()
		if c := down; c.Connected || !c.Ever || c.LastError == "" || c.Since.Before(dropped) || c.Since.After(time.Now()) {
			t.Fatalf("after the server went away: %+v; want disconnected since %s with a reason", down, dropped.Format(time.TimeOnly))
		}
		select {
		case s := <-sub:
			if s.Active != "alpha" {
				t.Errorf("subscriber woken with active %q, want the last snapshot", s.Active)
			}
		default:
			t.Error("subscribers were not woken to show the disconnection")
		}
		if err := r.Send(monitor.ProbeNow{}); err == nil {
			t.Error("Send succeeded with no server")
		}

		// Meanwhile, on the server's console, the operator pins bravo.
		if _, err := e.mon.Apply(monitor.Order{Command: monitor.Pin{Provider: "bravo"}, Actor: "console"}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Second)
		synctest.Wait()
		if c := r.Conn(); c.Connected || c.Attempts < 2 || !c.Since.Equal(down.Since) {
			t.Fatalf("30s without a server: %+v; want still disconnected since %s, retrying", c, down.Since.Format(time.TimeOnly))
		}
		if r.Snapshot().Active != "alpha" {
			t.Fatal("the snapshot changed with no server")
		}

		e.serve(Options{})
		time.Sleep(DefaultMaxBackoff)
		synctest.Wait()
		if c := r.Conn(); !c.Connected || c.LastError != "" || c.Attempts != 0 {
			t.Fatalf("a backoff after the server returned: %+v; want connected", c)
		}
		s := r.Snapshot()
		if last := s.Events[len(s.Events)-1]; s.Active != "bravo" || last.Actor != "console" || last.To != "bravo" {
			t.Errorf("after reconnecting: active %s, newest event %+v; want the pin made while away", s.Active, last)
		}
	})
}

// TestRemoteBackoffIsCapped: with no server, the Remote keeps trying, no
// more often than the doubling backoff allows and at least every
// MaxBackoff.
func TestRemoteBackoffIsCapped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := start(t, Options{})
		r := NewRemote(NewClient("http://nowhere.test:1", opsToken, WithTransport(e.net.Client(0).Transport)), RemoteOptions{})
		defer r.Close()
		if s := r.Snapshot(); s == nil || len(s.Providers) != 0 {
			t.Fatalf("before any snapshot: %+v, want an empty placeholder", s)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := r.WaitConnected(ctx); err == nil || r.Conn().Ever {
			t.Fatalf("WaitConnected with no server: %v", err)
		}
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		// 250ms doubling, each wait in its upper half, capped at 10s: at
		// most 7 tries to reach the cap plus 24 at 5s; at least 12 at 10s.
		if n := r.Conn().Attempts; n < 12 || n > 31 {
			t.Errorf("%d attempts in 2 minutes, want 12 to 31", n)
		}
	})
}

// TestRequestOf: each dashboard command becomes the API command that
// carries the same expectation.
func TestRequestOf(t *testing.T) {
	cases := []struct {
		cmd  monitor.Command
		want CommandRequest
	}{
		{monitor.ForceFailover{From: "alpha", To: "bravo"}, CommandRequest{Action: "failover", Provider: "bravo", ExpectActive: "alpha"}},
		{monitor.Pin{Provider: "bravo", For: 15 * time.Minute}, CommandRequest{Action: "pin", Provider: "bravo", For: "15m0s"}},
		{monitor.Pin{Provider: "bravo"}, CommandRequest{Action: "pin", Provider: "bravo"}},
		{monitor.Auto{}, CommandRequest{Action: "auto"}},
		{monitor.SetEnabled{Provider: "alpha", Enabled: true}, CommandRequest{Action: "enable", Provider: "alpha"}},
		{monitor.SetEnabled{Provider: "alpha"}, CommandRequest{Action: "disable", Provider: "alpha"}},
		{monitor.ProbeNow{}, CommandRequest{Action: "probe"}},
	}
	for _, tc := range cases {
		if got, err := RequestOf(tc.cmd); err != nil || got != tc.want {
			t.Errorf("RequestOf(%#v) = %+v, %v; want %+v", tc.cmd, got, err, tc.want)
		}
		if _, msg := commandOf(tc.want); msg != "" {
			t.Errorf("the server refuses %+v: %s", tc.want, msg)
		}
	}
}
