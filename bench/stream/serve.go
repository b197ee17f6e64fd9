package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"switchboard/config"
	"switchboard/internal/fakes"
)

// providerNames are the fake providers serve probes, in priority order;
// the decisions pin the first two in turn.
var providerNames = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"}

// startFakes serves n fake OpenAI providers in this process and writes a
// serve config that probes them every interval and keeps window's
// samples, with a gateway and the API on free loopback ports.
func startFakes(dir string, n int, interval, window time.Duration) (path string, stop func(), err error) {
	if n < 2 || n > len(providerNames) {
		return "", nil, fmt.Errorf("-providers must be 2 to %d", len(providerNames))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "interval: %s\nsuspect_interval: %s\nwindow: %s\n", interval, interval, window)
	b.WriteString("gateway:\n  listen: 127.0.0.1:0\napi:\n  listen: 127.0.0.1:0\nproviders:\n")
	var servers []*fakes.Server
	for _, name := range providerNames[:n] {
		key := "sk-bench-stream-" + name
		s := fakes.Start(fakes.Options{Kind: config.KindOpenAI, APIKey: key})
		servers = append(servers, s)
		fmt.Fprintf(&b, "  - name: %s\n    kind: openai\n    base_url: %s\n    api_key: %s\n", name, s.BaseURL(), key)
	}
	stop = func() {
		for _, s := range servers {
			s.Close()
		}
	}
	path = filepath.Join(dir, "serve.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		stop()
		return "", nil, err
	}
	return path, stop, nil
}

// buildBinary builds the switchboard binary into dir from the module root.
func buildBinary(dir string) (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("cannot find the module root (go env GOMOD: %q %v); run from the repository or pass -bin", gomod, err)
	}
	bin := filepath.Join(dir, "switchboard")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir, cmd.Stdout, cmd.Stderr = filepath.Dir(gomod), os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build: %w", err)
	}
	return bin, nil
}

// serveProc is `switchboard serve` running in a child process.
type serveProc struct {
	cmd     *exec.Cmd
	api, gw string // the addresses from its "listening" log lines
	exited  chan struct{}

	mu   sync.Mutex
	tail []string // its last log lines, for an error report
}

// logLine is the part of serve's JSON log lines the bench reads.
type logLine struct {
	Msg       string `json:"msg"`
	Component string `json:"component"`
	Addr      string `json:"addr"`
}

// startServe runs bin serve --config cfg and waits for the API and the
// gateway to listen. Its log is read to the end, so it never blocks on a
// full pipe.
func startServe(bin, cfg string) (*serveProc, error) {
	p := &serveProc{cmd: exec.Command(bin, "serve", "--config", cfg), exited: make(chan struct{})}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	addrs := make(chan logLine, 4)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.keep(sc.Text())
			var l logLine
			if json.Unmarshal(sc.Bytes(), &l) == nil && l.Msg == "listening" {
				addrs <- l
			}
		}
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	deadline := time.After(15 * time.Second)
	for p.api == "" || p.gw == "" {
		select {
		case l := <-addrs:
			switch l.Component {
			case "api":
				p.api = l.Addr
			case "gateway":
				p.gw = l.Addr
			}
		case <-p.exited:
			return nil, fmt.Errorf("serve exited before listening:\n%s", p.logTail())
		case <-deadline:
			_ = p.cmd.Process.Kill()
			return nil, fmt.Errorf("serve did not listen within 15s:\n%s", p.logTail())
		}
	}
	return p, nil
}

func (p *serveProc) keep(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tail = append(p.tail, line); len(p.tail) > 20 {
		p.tail = p.tail[1:]
	}
}

func (p *serveProc) logTail() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.tail, "\n")
}

// pid is the serve process's id, whose /proc entries the bench reads.
func (p *serveProc) pid() int { return p.cmd.Process.Pid }

// waitReady polls /readyz until serve has a routable backend.
func (p *serveProc) waitReady(ctx context.Context, within time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.api+"/readyz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("serve not ready within %s:\n%s", within, p.logTail())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// stop sends SIGTERM and waits for serve to exit (a kill after 15 s).
func (p *serveProc) stop() error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
		return errors.New("serve did not stop within 15s of SIGTERM; killed")
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		return fmt.Errorf("serve exited %d:\n%s", code, p.logTail())
	}
	return nil
}

// clockTick is Linux's USER_HZ, the unit of utime and stime in
// /proc/PID/stat (100 on every architecture Go supports).
const clockTick = 10 * time.Millisecond

// cpuTime is the CPU time a process has used so far, all threads, user
// and system, from /proc/PID/stat (10 ms resolution).
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name in parentheses may hold spaces: count fields from
	// after its closing parenthesis, where field 3 (state) starts.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, _ := strconv.ParseInt(f[12], 10, 64) // field 15
	return time.Duration(utime+stime) * clockTick
}

// rssKiB reads a process's resident set size from /proc.
func rssKiB(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}

// loadavg is the first three fields of /proc/loadavg.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
