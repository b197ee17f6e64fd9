package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"switchboard/config"
	"switchboard/gateway"
	"switchboard/internal/cli"
	"switchboard/monitor"
	"switchboard/probes"
)

// The proxies under test run in child processes, as they would in
// production, so their resident memory is theirs alone. A child prints
// "LISTEN host:port" when ready and exits when its stdin closes.

// childConfig is the gateway configuration of a bench run: primary and
// secondary OpenAI-style providers, probed fast enough that an outage is
// detected within the run (interval 2s, timeout 1s, hold-down 1s).
func childConfig(primary, secondary string) *config.Config {
	c := &config.Config{Gateway: &config.Gateway{Listen: "127.0.0.1:0"}}
	for _, p := range []struct{ name, base string }{{"primary", primary}, {"secondary", secondary}} {
		c.Providers = append(c.Providers, config.Provider{Name: p.name, Kind: config.KindOpenAI,
			BaseURL: "http://" + p.base + "/v1", APIKey: "sk-bench-" + p.name})
	}
	c.Interval = config.Duration(2 * time.Second)
	c.Timeout = config.Duration(time.Second)
	c.Policy.Holddown = config.Duration(time.Second)
	c.Policy.HolddownMax = config.Duration(2 * time.Second)
	c.ApplyDefaults()
	return c
}

// runGatewayChild runs switchboard's monitor and gateway with the real
// process's GOMAXPROCS (BENCH_PROXY_PROCS overrides it); with static, a
// fixed source replaces the monitor, to tell the monitor's share of the
// cost of each request (it handles one passive report per attempt).
func runGatewayChild(primary, secondary string, static bool) {
	cli.LimitProcs() // as the switchboard binary does at start
	cfg := childConfig(primary, secondary)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); cancel() }()
	m := monitor.New(cfg, monitor.Options{})
	var src gateway.Source = m
	if static {
		src = staticSource{m.Snapshot()}
	} else {
		go func() { _ = m.Run(ctx) }()
	}
	gw, err := gateway.New(cfg, src, gateway.Options{})
	if err != nil {
		log.Fatalf("gateway: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- gw.ListenAndServe(ctx) }()
	select {
	case <-gw.Ready():
		fmt.Println("LISTEN", gw.Addr())
	case err := <-done:
		log.Fatalf("gateway: %v", err)
	}
	<-done
}

// staticSource always routes to the first provider, records nothing and
// ignores commands.
type staticSource struct{ snap *monitor.Snapshot }

func (s staticSource) Snapshot() *monitor.Snapshot { return s.snap }
func (s staticSource) Subscribe() (<-chan *monitor.Snapshot, func()) {
	return make(chan *monitor.Snapshot), func() {}
}
func (staticSource) Report(probes.Result)                {}
func (staticSource) RecordRequest(monitor.RequestRecord) {}
func (staticSource) Send(monitor.Command) error          { return nil }

// runRevproxyChild runs a bare httputil.ReverseProxy, the baseline of a
// Go proxy with no routing logic.
func runRevproxyChild(upstream string) {
	u := &url.URL{Scheme: "http", Host: upstream}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: httputil.NewSingleHostReverseProxy(u), ReadHeaderTimeout: 10 * time.Second}
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); _ = srv.Close() }()
	fmt.Println("LISTEN", ln.Addr().String())
	_ = srv.Serve(ln)
}

// child is a proxy process started by the bench.
type child struct {
	cmd   *exec.Cmd
	stdin io.Closer
	addr  string
}

// startChild re-executes this program in a role and waits for its address.
func startChild(args ...string) *child {
	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	cmd := exec.Command(self, args...)
	cmd.Stderr = os.Stderr
	if procs := os.Getenv("BENCH_PROXY_PROCS"); procs != "" {
		cmd.Env = append(os.Environ(), "GOMAXPROCS="+procs) // the proxies' own GOMAXPROCS
	}
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		log.Fatalf("starting %v: %v", args, err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "LISTEN ")
	if err != nil || !ok {
		log.Fatalf("child %v did not start: %q %v", args, line, err)
	}
	return &child{cmd: cmd, stdin: in, addr: addr}
}

func (c *child) stop() {
	_ = c.stdin.Close()
	done := make(chan struct{})
	go func() { _ = c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-done
	}
}

// rssKiB reads a process's resident set size from /proc.
func rssKiB(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}
