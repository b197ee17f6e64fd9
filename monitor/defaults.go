package monitor

import (
	"context"
	"math/rand/v2"

	"switchboard/config"
	"switchboard/probes"
)

func withDefaults(o Options) Options {
	if o.Clock == nil {
		o.Clock = RealClock{}
	}
	if o.Client == nil {
		o.Client = probes.NewClient()
	}
	if o.Probe == nil {
		client := o.Client
		o.Probe = func(ctx context.Context, p config.Provider) probes.Result { return probes.Probe(ctx, client, p) }
	}
	if o.Status == nil {
		client := o.Client
		o.Status = func(ctx context.Context, p config.Provider) probes.StatusWord {
			return probes.StatusPage(ctx, client, p)
		}
	}
	if o.Seed == 0 {
		o.Seed = rand.Uint64()
	}
	if o.MaxEvents <= 0 {
		o.MaxEvents = 200
	}
	return o
}
