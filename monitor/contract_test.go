package monitor_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/internal/sourcetest"
	"switchboard/monitor"
	"switchboard/probes"
)

// The real monitor keeps the contract its stand-ins in the model and
// gateway tests are held to.
func TestMonitorKeepsTheSourceContract(t *testing.T) {
	cfg := config.Default()
	cfg.Providers = []config.Provider{{Name: "alpha", Kind: config.KindOpenAI}, {Name: "bravo", Kind: config.KindOpenAI}}
	m := monitor.New(cfg, monitor.Options{
		Probe:  func(context.Context, config.Provider) probes.Result { return probes.Result{Class: probes.ClassOK} },
		Status: func(context.Context, config.Provider) probes.StatusWord { return probes.StatusWord{} },
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- m.Run(ctx) }()
	defer func() { cancel(); <-done }()
	// Send answers once the goroutine has entered Run.
	deadline := time.Now().Add(10 * time.Second)
	for m.Send(monitor.ProbeNow{}) == monitor.ErrNotRunning {
		if time.Now().After(deadline) {
			t.Fatal("the monitor did not start running within 10s")
		}
		runtime.Gosched()
	}
	sourcetest.Contract(t, m)
}
