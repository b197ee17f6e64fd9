// Command gateway benchmarks switchboard's gateway on loopback: latency it
// adds over calling an instant upstream directly (beside nginx and a bare
// httputil.ReverseProxy when available), throughput at a fixed concurrency,
// resident memory, and a scripted outage of the primary under constant load.
//
//	go run ./bench/gateway            # or bench/gateway/run.sh
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	"switchboard/internal/cli"
)

func main() {
	role := flag.String("role", "", "internal: run as a child proxy (gateway | revproxy)")
	primary := flag.String("primary", "", "internal: primary upstream host:port")
	secondary := flag.String("secondary", "", "internal: secondary upstream host:port")
	rounds := flag.Int("rounds", 10, "latency: interleaved rounds")
	perRound := flag.Int("n", 400, "latency: requests per target per round")
	conc := flag.Int("c", 32, "throughput: concurrent clients")
	dur := flag.Duration("d", 8*time.Second, "throughput and fixed load: measured duration per target")
	loadRounds := flag.Int("load-rounds", 16, "throughput and fixed load: interleaved rounds the duration is split into")
	outage := flag.Bool("outage", true, "run the scripted outage")
	rate := flag.Int("rate", 100, "outage: client requests per second")
	fixed := flag.Int("fixed", 2000, "fixed-rate run: requests per second over -c connections")
	static := flag.Bool("static", false, "also measure the gateway with a static source instead of the monitor")
	flag.Parse()
	switch *role {
	case "gateway":
		runGatewayChild(*primary, *secondary, *static)
		return
	case "revproxy":
		runRevproxyChild(*primary)
		return
	}
	rp, sb := fmt.Sprint(runtime.GOMAXPROCS(0)), fmt.Sprint(cli.DefaultProcs, " as the binary")
	if p := os.Getenv("BENCH_PROXY_PROCS"); p != "" {
		rp, sb = p, p // set for every Go proxy child
	}
	fmt.Printf("switchboard gateway bench — %s, %d CPUs, loopback only; GOMAXPROCS: ReverseProxy %s, switchboard %s\n",
		runtime.Version(), runtime.NumCPU(), rp, sb)
	targets, stop := startTargets(*static)
	defer stop()
	r := readings{c1: reportLatency(targets, *rounds, *perRound)}
	r.c32 = reportThroughput(targets, *conc, *loadRounds, *dur)
	reportRate(targets, *conc, *fixed, *loadRounds, *dur)
	if *outage {
		r.outageErrs, r.outageTotal = runOutage(*rate)
	}
	printVerdict(checks(r))
}

// startTargets starts the instant upstream and every proxy in front of it.
func startTargets(static bool) ([]target, func()) {
	up, stopUp := startUpstream()
	gw := startChild("-role=gateway", "-primary="+up, "-secondary="+up)
	time.Sleep(time.Second) // let the monitor probe and settle before measuring idle memory
	fmt.Printf("switchboard RSS idle: %d KiB\n", rssKiB(gw.cmd.Process.Pid))
	rp := startChild("-role=revproxy", "-primary="+up)
	targets := []target{{name: "direct", addr: up}}
	ng, err := startNginx(up)
	switch {
	case errors.Is(err, errNoNginx):
		fmt.Println("nginx: not installed, skipped (apt-get install -y nginx to compare)")
	case err != nil:
		fmt.Fprintf(os.Stderr, "nginx: %v; skipped\n", err)
	default:
		targets = append(targets, target{name: "nginx", addr: ng.addr, rss: ng.rssKiB})
	}
	targets = append(targets,
		target{name: "httputil.ReverseProxy", addr: rp.addr, rss: func() int { return rssKiB(rp.cmd.Process.Pid) }},
		target{name: "switchboard", addr: gw.addr, rss: func() int { return rssKiB(gw.cmd.Process.Pid) }})
	var st *child
	if static {
		st = startChild("-role=gateway", "-static", "-primary="+up, "-secondary="+up)
		targets = append(targets, target{name: "switchboard (static)", addr: st.addr,
			rss: func() int { return rssKiB(st.cmd.Process.Pid) }})
	}
	return targets, func() {
		if st != nil {
			st.stop()
		}
		gw.stop()
		rp.stop()
		if ng != nil {
			ng.stop()
		}
		stopUp()
	}
}

func reportLatency(targets []target, rounds, perRound int) map[string]added {
	lat := measureLatency(targets, rounds, perRound)
	d50, d99 := pct(lat["direct"], 50), pct(lat["direct"], 99)
	fmt.Printf("\nLatency at concurrency 1 (%d requests per target, interleaved):\n", rounds*perRound)
	fmt.Printf("  %-22s %10s %10s %14s %14s\n", "target", "p50", "p99", "added p50", "added p99")
	out := map[string]added{}
	for _, t := range targets {
		p50, p99 := pct(lat[t.name], 50), pct(lat[t.name], 99)
		out[t.name] = added{p50: p50 - d50, p99: p99 - d99}
		fmt.Printf("  %-22s %s %s %s %s\n", t.name, us(p50), us(p99), "    "+us(p50-d50), "    "+us(p99-d99))
	}
	return out
}

func reportThroughput(targets []target, conc, rounds int, d time.Duration) map[string]added {
	fmt.Printf("\nThroughput at concurrency %d (closed loop, %s per target in %d interleaved rounds):\n", conc, d, rounds)
	fmt.Printf("  %-22s %9s %7s %10s %10s %14s %12s\n", "target", "req/s", "errors", "p50", "p99", "added p99", "peak RSS")
	runs := interleave(targets, conc, rounds, d, closedLoop(conc))
	d99 := pct(runs["direct"].lats, 99)
	out := map[string]added{}
	for _, t := range targets {
		r := runs[t.name]
		out[t.name] = added{p99: pct(r.lats, 99) - d99, rps: r.rps()}
		rss := "-"
		if r.rssPeak > 0 {
			rss = fmt.Sprintf("%d KiB", r.rssPeak)
		}
		p99 := pct(r.lats, 99)
		fmt.Printf("  %-22s %9.0f %7d %s %s %s %12s\n", t.name, r.rps(), r.errors, us(pct(r.lats, 50)), us(p99),
			"    "+us(p99-d99), rss)
	}
	return out
}

func reportRate(targets []target, conc, rate, rounds int, d time.Duration) {
	fmt.Printf("\nFixed load of %d req/s over %d connections (%s per target in %d interleaved rounds):\n", rate, conc, d, rounds)
	fmt.Printf("  %-22s %10s %10s %14s %7s\n", "target", "p50", "p99", "added p99", "errors")
	runs := interleave(targets, conc, rounds, d, fixedRate(conc, rate))
	d99 := pct(runs["direct"].lats, 99)
	for _, t := range targets {
		r := runs[t.name]
		p99 := pct(r.lats, 99)
		fmt.Printf("  %-22s %s %s %s %7d\n", t.name, us(pct(r.lats, 50)), us(p99), "    "+us(p99-d99), r.errors)
	}
}
