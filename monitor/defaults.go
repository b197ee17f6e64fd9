package monitor

func withDefaults(o Options) Options {
	if o.Clock == nil {
		o.Clock = RealClock{}
	}
	if o.MaxEvents <= 0 {
		o.MaxEvents = 200
	}
	return o
}
