package monitor

import (
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"switchboard/probes"
)

// orderJournal is a memJournal that also records which order each commit
// carried.
type orderJournal struct {
	memJournal
	ids []string
}

func (j *orderJournal) CommitOrder(id string, st *Persisted, events []Event) error {
	if err := j.Commit(st, events); err != nil {
		return err
	}
	j.mu.Lock()
	j.ids = append(j.ids, id)
	j.mu.Unlock()
	return nil
}

var _ OrderJournal = (*orderJournal)(nil)

// leaderState is what a fleet's leader would have recorded: bravo active
// by the operator's pin, alpha down, the route bravo then charlie.
func leaderState(at time.Time) (*Persisted, []Event) {
	st := &Persisted{SavedAt: at, Seq: 3, Active: "bravo", ActiveSince: at, ActiveCause: "pinned by operator",
		Pinned: "bravo", Mode: ModePinned, Route: []string{"bravo", "charlie"},
		Providers: []PersistedProvider{
			{Name: "alpha", Enabled: true, State: StateDown, Since: at, Cause: "3× timeout"},
			{Name: "bravo", Enabled: true, State: StateUp, Since: at},
			{Name: "charlie", Enabled: true, State: StateUp, Since: at},
		}}
	events := []Event{
		{Seq: 1, At: at, Kind: EventActive, Provider: "alpha", To: "alpha", Actor: ActorPolicy, Replica: "lead"},
		{Seq: 2, At: at, Kind: EventState, Provider: "alpha", From: "up", To: "down", Actor: ActorPolicy, Replica: "lead"},
		{Seq: 3, At: at, Kind: EventOperator, Provider: "bravo", Cause: "pinned by operator", Actor: "oncall", Replica: "f2"},
	}
	return st, events
}

// A following monitor neither probes nor decides: its snapshot routes as
// the leader's state says, its own traffic's failures move nothing, and
// orders are refused with ErrFollowing, since the leader applies them.
func TestFollowerRoutesAsAdopted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc := newScript()
		local := &memJournal{}
		m := runningWith(t, sc, testConfig("alpha", "bravo", "charlie"), Options{Follow: true, Journal: local, Replica: "f1"})
		synctest.Wait()
		if !m.Following() {
			t.Fatal("a monitor started with Follow does not follow")
		}
		st, events := leaderState(time.Now())
		if err := m.Adopt(st, events); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		s := m.Snapshot()
		if s.Active != "bravo" || s.Mode != ModePinned || !slices.Equal(s.Route, []string{"bravo", "charlie"}) || s.Next != "charlie" {
			t.Fatalf("follower: active %s mode %s route %v next %s; want bravo PINNED [bravo charlie] charlie",
				s.Active, s.Mode, s.Route, s.Next)
		}
		if p, _ := s.Provider("alpha"); p.State != StateDown || p.InRotation || !p.OutOfService {
			t.Fatalf("alpha on the follower: %+v; want down, out of rotation", p)
		}
		if len(s.Events) != 3 || s.Events[2].Replica != "f2" || s.Events[2].Actor != "oncall" {
			t.Fatalf("follower's events: %+v; want the leader's three", s.Events)
		}
		for _, name := range []string{"alpha", "bravo", "charlie"} {
			if n := sc.count(name); n != 0 {
				t.Fatalf("a follower probed %s %d times", name, n)
			}
		}
		if r := local.restored(); r.State == nil || r.State.Active != "bravo" || len(r.Events) != 3 {
			t.Fatalf("the follower's local copy: %+v; want the adopted state and events", r)
		}

		for range 5 {
			m.Report(probes.Result{Provider: "bravo", Class: probes.ClassServerError, Status: 500})
		}
		time.Sleep(time.Second)
		synctest.Wait()
		if p, _ := m.Snapshot().Provider("bravo"); p.State != StateUp {
			t.Fatalf("a follower's own traffic moved bravo to %s", p.State)
		}
		if _, err := m.Apply(Order{Command: Auto{}}); !errors.Is(err, ErrFollowing) {
			t.Fatalf("an order to a follower: %v, want ErrFollowing", err)
		}

		// The next events follow on; a log that does not (a gap) replaces it.
		more := Event{Seq: 4, At: time.Now(), Kind: EventOperator, Cause: "back to automatic routing", Actor: "oncall"}
		st2 := *st
		st2.Seq, st2.Pinned, st2.Mode = 4, "", ModeAuto
		if err := m.Adopt(&st2, []Event{more}); err != nil {
			t.Fatal(err)
		}
		if s := m.Snapshot(); len(s.Events) != 4 || s.Mode != ModeAuto || s.Pinned != "" {
			t.Fatalf("after the next event: %d events, mode %s pinned %q", len(s.Events), s.Mode, s.Pinned)
		}
		far := Event{Seq: 40, At: time.Now(), Kind: EventOperator, Cause: "far ahead", Actor: ActorPolicy}
		st2.Seq = 40
		if err := m.Adopt(&st2, []Event{far}); err != nil {
			t.Fatal(err)
		}
		if s := m.Snapshot(); len(s.Events) != 1 || s.Events[0].Seq != 40 {
			t.Fatalf("after a gap: events %+v; want the new log alone", s.Events)
		}
	})
}

// Lead turns a follower into the fleet's decider: it restores what the
// fleet store holds (naming itself in the event that says so), records
// into the fleet's journal with the route, probes, and applies orders,
// telling an OrderJournal which order each commit carries. Follow turns
// it back: probes stop, the route stays, orders are refused.
func TestLeadThenFollow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sc := newScript()
		local, fleet := &memJournal{}, &orderJournal{}
		m := runningWith(t, sc, testConfig("alpha", "bravo", "charlie"), Options{Follow: true, Journal: local, Replica: "f1"})
		synctest.Wait()
		st, events := leaderState(time.Now())
		if err := m.Lead(&Restored{State: st, Events: events}, fleet, "f1 leads the fleet"); err != nil {
			t.Fatal(err)
		}
		stepUntil(t, m, 5*time.Second, func(s *Snapshot) bool { return s.Providers[0].State == StateUp })
		if m.Following() || sc.count("alpha") == 0 {
			t.Fatalf("leading: following %v, %d probes of alpha", m.Following(), sc.count("alpha"))
		}
		s := m.Snapshot()
		if s.Active != "bravo" || s.Pinned != "bravo" {
			t.Fatalf("the new leader's active %s pinned %s; want the restored pin on bravo", s.Active, s.Pinned)
		}
		var restoredEvent *Event
		for i, e := range s.Events {
			if e.Seq == 4 {
				restoredEvent = &s.Events[i]
			}
		}
		if restoredEvent == nil || restoredEvent.Replica != "f1" ||
			restoredEvent.Cause[:len("f1 leads the fleet: state restored")] != "f1 leads the fleet: state restored" {
			t.Fatalf("the first event of the new leader: %+v", restoredEvent)
		}
		r := fleet.restored()
		if r.State == nil || !slices.Equal(r.State.Route, s.Route) || r.State.Mode != ModePinned || r.Events[0].Seq != 4 {
			t.Fatalf("the fleet's journal: %+v; want the route %v, mode PINNED, events from seq 4", r.State, s.Route)
		}

		ack, err := m.Apply(Order{Command: Auto{}, Actor: "oncall", Replica: "f2", ID: "cmd-1"})
		if err != nil {
			t.Fatal(err)
		}
		fleet.mu.Lock()
		ids := slices.Clone(fleet.ids)
		fleet.mu.Unlock()
		if !slices.Equal(ids, []string{"cmd-1"}) {
			t.Fatalf("orders the journal was told of: %v", ids)
		}
		if e := m.Snapshot().Events[len(m.Snapshot().Events)-1]; e.Seq != ack.Seq || e.Replica != "f2" {
			t.Fatalf("the order's event %+v; want seq %d through f2", e, ack.Seq)
		}

		before := m.Snapshot()
		if err := m.Follow(); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		probed := sc.count("alpha")
		time.Sleep(time.Minute)
		synctest.Wait()
		after := m.Snapshot()
		if n := sc.count("alpha"); n != probed {
			t.Fatalf("after Follow alpha was probed %d more times", n-probed)
		}
		if !slices.Equal(after.Route, before.Route) || after.Active != before.Active {
			t.Fatalf("after Follow: route %v active %s; want %v %s kept", after.Route, after.Active, before.Route, before.Active)
		}
		if _, err := m.Apply(Order{Command: Auto{}}); !errors.Is(err, ErrFollowing) {
			t.Fatalf("an order after Follow: %v, want ErrFollowing", err)
		}
	})
}

// A leader records a change of route that no event marks (a drain that
// ends), since followers route by the recorded route.
func TestRouteChangeIsRecorded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := &memJournal{}
		cfg := testConfig("alpha", "bravo", "charlie")
		cfg.Policy.Failback = "manual" // so that alpha's drain ends with no failback, and no event
		m := runningWith(t, newScript(), cfg, Options{Journal: j})
		stepUntil(t, m, 5*time.Second, func(s *Snapshot) bool { return s.Providers[2].State == StateUp })
		if _, err := m.Apply(Order{Command: ForceFailover{}}); err != nil {
			t.Fatal(err)
		}
		if r := j.restored(); !slices.Equal(r.State.Route, []string{"bravo", "charlie"}) {
			t.Fatalf("recorded route while alpha is drained: %v", r.State.Route)
		}
		seq := j.restored().State.Seq
		// The drain ends after drain_for: alpha is a standby again, with
		// no event (failback is manual).
		stepUntil(t, m, cfg.Policy.DrainFor.D()+time.Minute, func(s *Snapshot) bool { return len(s.Route) == 3 })
		synctest.Wait()
		r := j.restored()
		if !slices.Equal(r.State.Route, []string{"bravo", "alpha", "charlie"}) || r.State.Mode != ModeAuto || r.State.Seq != seq {
			t.Fatalf("recorded after the drain ended: route %v mode %s seq %d (was %d); want [bravo alpha charlie] AUTO, no new event",
				r.State.Route, r.State.Mode, r.State.Seq, seq)
		}
	})
}

// A new leader restores what the fleet store holds, not what it last
// adopted: a provider the operator re-enabled since is enabled, and a pin
// since cleared is gone.
func TestLeadRestoresOverAStaleAdoption(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := runningWith(t, newScript(), testConfig("alpha", "bravo", "charlie"), Options{Follow: true})
		synctest.Wait()
		st, events := leaderState(time.Now())
		st.Providers[2].Enabled, st.Providers[2].State = false, StateDisabled
		if err := m.Adopt(st, events); err != nil {
			t.Fatal(err)
		}
		fresh := *st
		fresh.Providers = slices.Clone(st.Providers)
		fresh.Providers[2].Enabled, fresh.Providers[2].State = true, StateUp
		fresh.Pinned, fresh.Mode, fresh.Seq = "", ModeAuto, 5
		if err := m.Lead(&Restored{State: &fresh, Events: events}, &memJournal{}, "r1 leads the fleet"); err != nil {
			t.Fatal(err)
		}
		s := m.Snapshot()
		if p, _ := s.Provider("charlie"); !p.Enabled || p.State != StateUp || s.Pinned != "" {
			t.Fatalf("after Lead: charlie %+v, pinned %q; want the store's: enabled and up, no pin", p, s.Pinned)
		}
	})
}
