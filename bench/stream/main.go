// Command stream benchmarks what attached dashboards cost `switchboard
// serve` (issue 12): the real binary runs in a child process against fake
// providers served here, and this process attaches 100 stream clients to
// its API (GET /api/v1/stream). It reads serve's CPU time idle and with
// the clients attached, in turn, then sends operator decisions (pins) and
// times each one from the command to the last client that reads its event
// frame. Loopback only; it stops by itself after about three minutes.
//
//	go run ./bench/stream            # or bench/stream/run.sh
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"slices"
	"time"

	"switchboard/api"
)

// opts are the run's flags.
type opts struct {
	bin       string
	clients   int
	providers int
	interval  time.Duration
	statsWin  time.Duration
	window    time.Duration
	rounds    int
	decisions int
	every     time.Duration
	decode    bool
}

func main() {
	var o opts
	flag.StringVar(&o.bin, "bin", "", "switchboard binary to run (default: go build . into a temporary directory)")
	flag.IntVar(&o.clients, "clients", 100, "attached stream clients")
	flag.IntVar(&o.providers, "providers", 4, "fake providers in serve's config (2 to 8)")
	flag.DurationVar(&o.interval, "interval", time.Second, "probe interval of every provider in serve's config")
	flag.DurationVar(&o.statsWin, "window", 30*time.Second, "serve's statistics window, whose probe samples every snapshot carries "+
		"(30s at a 1s interval: the 30 samples a provider has at the defaults, 10s and 5m); the run waits until it is full")
	flag.DurationVar(&o.window, "d", 15*time.Second, "CPU: one measured window (idle, then attached, per round)")
	flag.IntVar(&o.rounds, "rounds", 3, "CPU: rounds of idle and attached windows, taken in turn")
	flag.IntVar(&o.decisions, "decisions", 100, "decisions to time")
	flag.DurationVar(&o.every, "every", 300*time.Millisecond, "time between two decisions")
	flag.BoolVar(&o.decode, "decode", false, "clients decode every frame with api.Client.Stream, as attach does "+
		"(default: raw SSE readers that decode event frames only and count the snapshots' bytes)")
	flag.Parse()
	if err := run(o); err != nil {
		log.Fatal(err)
	}
}

func run(o opts) error {
	tmp, err := os.MkdirTemp("", "stream-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if o.bin == "" {
		if o.bin, err = buildBinary(tmp); err != nil {
			return err
		}
	}
	cfg, stopFakes, err := startFakes(tmp, o.providers, o.interval, o.statsWin)
	if err != nil {
		return err
	}
	defer stopFakes()
	started := time.Now()
	sv, err := startServe(o.bin, cfg)
	if err != nil {
		return err
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = sv.stop()
		}
	}()
	if err := sv.waitReady(context.Background(), 15*time.Second); err != nil {
		return err
	}
	kind := "raw SSE readers"
	if o.decode {
		kind = "api.Client.Stream, every frame decoded"
	}
	fmt.Printf("switchboard API stream bench — %s, %d CPUs, loopback only; serve with Go's default GOMAXPROCS\n",
		runtime.Version(), runtime.NumCPU())
	fmt.Printf("%d clients (%s), %d fake providers probed every %s, window %s; load average at start: %s\n",
		o.clients, kind, o.providers, o.interval, o.statsWin, loadavg())
	if err := fillEvents(sv); err != nil {
		return err
	}
	time.Sleep(time.Until(started.Add(o.statsWin + 2*time.Second))) // the window's samples
	if err := cpuRounds(sv, o); err != nil {
		return err
	}
	if err := timeDecisions(sv, o); err != nil {
		return err
	}
	stopped = true
	if err := sv.stop(); err != nil {
		return err
	}
	fmt.Printf("\nload average at the end: %s\n", loadavg())
	return nil
}

// usage is one measured window: CPU of serve and of this process (the
// clients and the fakes), in % of one core.
type usage struct{ serve, bench float64 }

func measure(pid int, d time.Duration) usage {
	s0, b0, t0 := cpuTime(pid), cpuTime(os.Getpid()), time.Now()
	time.Sleep(d)
	s1, b1, el := cpuTime(pid), cpuTime(os.Getpid()), time.Since(t0)
	return usage{serve: 100 * float64(s1-s0) / float64(el), bench: 100 * float64(b1-b0) / float64(el)}
}

// cpuRounds measures serve idle and with the clients attached, in turn,
// so that load from elsewhere on the machine falls on both alike.
func cpuRounds(sv *serveProc, o opts) error {
	fmt.Printf("\nserve's CPU, %% of one core (%s windows, idle and attached in turn):\n", o.window)
	fmt.Printf("  %-6s %10s %14s %9s %14s %11s %15s %12s\n", "round", "idle", "attached", "extra",
		"bench process", "RSS idle", "RSS attached", "snapshots/s")
	var extras []float64
	for r := range o.rounds {
		rssIdle := rssKiB(sv.pid())
		idle := measure(sv.pid(), o.window)
		f := attach(sv.api, o.clients, o.decode)
		if err := f.ready(30 * time.Second); err != nil {
			f.stop()
			return err
		}
		time.Sleep(2 * time.Second) // connecting is not what is measured
		n0, _, b0 := f.traffic()
		att := measure(sv.pid(), o.window)
		n1, size, b1 := f.traffic()
		rssAtt := rssKiB(sv.pid())
		f.stop()
		extras = append(extras, att.serve-idle.serve)
		fmt.Printf("  %-6d %9.2f%% %13.2f%% %8.2f%% %13.2f%% %7d KiB %11d KiB %12.2f\n", r+1, idle.serve, att.serve,
			att.serve-idle.serve, att.bench, rssIdle, rssAtt, float64(n1-n0)/o.window.Seconds())
		if r == o.rounds-1 && size > 0 {
			fmt.Printf("  per client: %.1f KiB/s read; last snapshot frame %.1f KiB\n",
				float64(b1-b0)/1024/o.window.Seconds(), float64(size)/1024)
		}
		time.Sleep(time.Second) // serve notices the disconnects
	}
	slices.Sort(extras)
	fmt.Printf("  extra CPU for %d clients: %.2f–%.2f%% of one core\n", o.clients, extras[0], extras[len(extras)-1])
	return nil
}

// timeDecisions attaches the clients, pins the first two providers in
// turn, and reports how long each pin took to reach the clients.
func timeDecisions(sv *serveProc, o opts) error {
	f := attach(sv.api, o.clients, o.decode)
	if err := f.ready(30 * time.Second); err != nil {
		f.stop()
		return err
	}
	time.Sleep(time.Second)
	_, size0, _ := f.traffic()
	c := api.NewClient("http://"+sv.api, "")
	defer c.Close()
	s0, b0, t0 := cpuTime(sv.pid()), cpuTime(os.Getpid()), time.Now()
	ds := decide(c, o.decisions, o.every)
	if last := ds[len(ds)-1]; last.err == nil {
		_ = f.sawSeq(last.seq, 5*time.Second) // what is missing then is reported as unseen
	}
	el := time.Since(t0)
	serveCPU := 100 * float64(cpuTime(sv.pid())-s0) / float64(el)
	benchCPU := 100 * float64(cpuTime(os.Getpid())-b0) / float64(el)
	_, size1, _ := f.traffic()
	s := spreadOf(ds, f.seen())
	rss := rssKiB(sv.pid())
	f.stop()
	time.Sleep(time.Second)
	// The same decisions with no client attached: what the clients add.
	s1, t1 := cpuTime(sv.pid()), time.Now()
	quiet := spreadOf(decide(c, o.decisions, o.every), nil)
	alone := 100 * float64(cpuTime(sv.pid())-s1) / float64(time.Since(t1))

	fmt.Printf("\n%d decisions (pin %s / pin %s in turn, one every %s) with %d clients attached:\n",
		o.decisions, providerNames[1], providerNames[0], o.every, o.clients)
	fmt.Printf("  serve's CPU %.2f%% of one core (the bench process's %.2f%%); the same decisions then with no client: %.2f%%, extra %.2f%%\n",
		serveCPU, benchCPU, alone, serveCPU-alone)
	fmt.Printf("  serve's RSS with the clients attached: %d KiB\n", rss)
	if size0 > 0 {
		fmt.Printf("  snapshot frame %.1f KiB before, %.1f KiB after (it carries the kept events)\n",
			float64(size0)/1024, float64(size1)/1024)
	}
	fmt.Printf("  %-34s %10s %10s %10s\n", "from sending the command", "p50", "p99", "max")
	for _, row := range []struct {
		name string
		xs   []time.Duration
	}{{"to its 200 answer", s.answered}, {"to the median client's event", s.median}, {"to the last client's event", s.last},
		{"to its 200 answer, no client", quiet.answered}} {
		fmt.Printf("  %-34s %10s %10s %10s\n", row.name, ms(pct(row.xs, 50)), ms(pct(row.xs, 99)), ms(pct(row.xs, 100)))
	}
	ok, reading := verdict(s, len(ds))
	mark := "met   "
	if !ok {
		mark = "MISSED"
	}
	fmt.Printf("\nTarget (issue 12): p99 from a decision to the last of %d clients < %s\n  %s %s\n",
		o.clients, ms(targetLastP99), mark, reading)
	return nil
}

// fillEvents pins bravo and alpha in turn, quickly and before any client
// attaches, until the monitor's event log is full: every snapshot then
// carries the most events it ever does, as on a serve that has run for a
// while. It ends on alpha, so that the first timed pin moves the backend.
func fillEvents(sv *serveProc) error {
	c := api.NewClient("http://"+sv.api, "")
	defer c.Close()
	for {
		var seq uint64
		for _, name := range []string{providerNames[1], providerNames[0]} {
			res, err := c.Command(context.Background(), api.CommandRequest{Action: api.ActionPin, Provider: name})
			if err != nil {
				return fmt.Errorf("pin %s: %w", name, err)
			}
			seq = res.Seq
		}
		if seq > keptEvents {
			return nil
		}
	}
}

// keptEvents is how many events the monitor keeps (monitor.Options.MaxEvents's default).
const keptEvents = 200

// decide pins bravo and alpha in turn (alpha is active by priority, so
// every pin moves the active backend), one command every interval.
func decide(c *api.Client, n int, every time.Duration) []decision {
	tick := time.NewTicker(every)
	defer tick.Stop()
	out := make([]decision, 0, n)
	for i := range n {
		name := providerNames[1-i%2]
		d := decision{action: "pin " + name, sent: time.Now()}
		res, err := c.Command(context.Background(), api.CommandRequest{Action: api.ActionPin, Provider: name})
		d.done, d.seq, d.err = time.Now(), res.Seq, err
		out = append(out, d)
		<-tick.C
	}
	return out
}
