package fleet

import (
	"reflect"
	"sort"

	"switchboard/monitor"
	"switchboard/probes"
)

// pushStatus shows what the replica knows of the fleet with its monitor's
// snapshots, when that changed.
func (r *Replica) pushStatus() {
	r.statusMu.Lock()
	defer r.statusMu.Unlock()
	st := r.status()
	if r.shown != nil && reflect.DeepEqual(*r.shown, st) {
		return
	}
	if err := r.mon.SetFleet(st); err == nil {
		r.shown = &st
	}
}

// status is what the replica knows of the fleet now.
func (r *Replica) status() monitor.FleetStatus {
	ok, since, why := r.store.get()
	st := monitor.FleetStatus{Replica: r.cfg.Replica, Leading: r.leading.Load(), StoreOK: ok, Since: since, StoreErr: why}
	r.mu.Lock()
	defer r.mu.Unlock()
	st.Leader = r.leaderLocked()
	if st.Leading {
		st.Leader = r.cfg.Replica
	}
	for _, rep := range r.replicas {
		st.Replicas = append(st.Replicas, rep)
	}
	sort.Slice(st.Replicas, func(i, j int) bool { return st.Replicas[i].Name < st.Replicas[j].Name })
	return st
}

// Status is what the replica knows of the fleet now.
func (r *Replica) Status() monitor.FleetStatus { return r.status() }

// The monitor's side of the gateway's and the API's Source.

// Snapshot is the monitor's latest snapshot.
func (r *Replica) Snapshot() *monitor.Snapshot { return r.mon.Snapshot() }

// Subscribe follows the monitor's snapshots.
func (r *Replica) Subscribe() (<-chan *monitor.Snapshot, func()) { return r.mon.Subscribe() }

// RecordRequest counts a gateway request on this replica's monitor: each
// replica shows its own traffic.
func (r *Replica) RecordRequest(rec monitor.RequestRecord) { r.mon.RecordRequest(rec) }

// Report feeds a passive result: to the monitor while this replica leads,
// else to the leader, batched (see reports.go).
func (r *Replica) Report(res probes.Result) {
	if r.leading.Load() {
		r.mon.Report(res)
		return
	}
	r.reports.add(res)
}

// Send carries out the gateway's hint that a request stalls on a backend
// (ProbeNow with Stalled): on the leader's monitor, or sent to it.
// Operators' commands go through Apply.
func (r *Replica) Send(cmd monitor.Command) error {
	if p, ok := cmd.(monitor.ProbeNow); ok && p.Stalled && !r.leading.Load() {
		r.reports.stall(p.Provider)
		return nil
	}
	return r.mon.Send(cmd)
}
