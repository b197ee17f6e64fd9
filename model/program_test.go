package model

import (
	"bytes"
	"context"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"switchboard/config"
	"switchboard/demo"
	"switchboard/gateway"
	"switchboard/internal/memnet"
	"switchboard/monitor"
	"switchboard/probes"
)

// program is the real Bubble Tea program run on a model as
// teatest.NewTestModel runs it (input and output buffers, no signals, a
// fixed window size, ASCII colours), for flows inside a testing/synctest
// bubble: there, os/signal must not be used at all (the runtime's signal
// goroutine is outside the bubble), so teatest's SIGINT watcher and Bubble
// Tea's signal handler are left out. Its output is read with
// teatest.WaitFor as teatest's flows read theirs.
type program struct {
	t      *testing.T
	p      *tea.Program
	out    *safeBuffer
	done   chan tea.Model
	drawn  *atomic.Pointer[string] // the screen as the program last drew it
	quitAt sync.Once
	final  Model
}

func startProgram(t *testing.T, m Model, w, h int) *program {
	t.Helper()
	pr := &program{t: t, out: &safeBuffer{}, done: make(chan tea.Model, 1), drawn: &atomic.Pointer[string]{}}
	pr.p = tea.NewProgram(recorder{m, pr.drawn}, tea.WithInput(&bytes.Buffer{}), tea.WithOutput(pr.out),
		tea.WithoutSignalHandler(), tea.WithWindowSize(w, h), tea.WithColorProfile(colorprofile.Ascii), tea.WithFPS(10))
	go func() {
		final, err := pr.p.Run()
		if err != nil {
			t.Errorf("program: %v", err)
		}
		pr.done <- final
	}()
	pr.p.Send(tea.WindowSizeMsg{Width: w, Height: h})
	t.Cleanup(func() { pr.quit() }) // a failed flow still ends the program, or the bubble would deadlock
	return pr
}

// recorder is the model as the program runs it, keeping each screen it
// draws: the renderer writes only the cells that change, so a text that
// is half the same as before never appears whole in the output.
type recorder struct {
	Model
	drawn *atomic.Pointer[string]
}

func (r recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := r.Model.Update(msg)
	return recorder{next.(Model), r.drawn}, cmd
}

func (r recorder) View() tea.View {
	v := r.Model.View()
	screen := ansi.Strip(v.Content)
	r.drawn.Store(&screen)
	return v
}

// screen is what the program last drew, without escape sequences.
func (pr *program) screen() string {
	if s := pr.drawn.Load(); s != nil {
		return *s
	}
	return ""
}

// waitScreen waits, on the bubble's clock, until the drawn screen holds
// cond, for at most within.
func (pr *program) waitScreen(within time.Duration, what string, cond func(screen string) bool) {
	pr.t.Helper()
	for deadline := time.Now().Add(within); !cond(pr.screen()); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			pr.t.Fatalf("after %s the screen does not show %s:\n%s", within, what, pr.screen())
		}
	}
}

// waitFor reads the terminal output until cond holds for the raw bytes and
// for the text with escape sequences stripped, for at most within of the
// bubble's clock.
func (pr *program) waitFor(within time.Duration, cond func(raw, text string) bool) {
	pr.t.Helper()
	teatest.WaitFor(pr.t, pr.out, func(b []byte) bool { return cond(string(b), ansi.Strip(string(b))) },
		teatest.WithDuration(within), teatest.WithCheckInterval(100*time.Millisecond))
}

// press sends the first key of binding b.
func (pr *program) press(name string) { pr.p.Send(keyMsg(pr.t, name)) }

// quit ends the program and returns the model it ended with.
func (pr *program) quit() Model {
	pr.quitAt.Do(func() {
		pr.p.Quit()
		pr.final = (<-pr.done).(recorder).Model
	})
	return pr.final
}

// safeBuffer is a bytes.Buffer the program writes while the test reads.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Read(p)
}

// demoRig is the demo as --demo runs it, on an in-memory network so that
// minutes of its story pass in moments of a synctest bubble: the simulated
// providers, the real monitor, the real gateway and, with traffic, the
// demo's application sending through it.
type demoRig struct {
	mon *monitor.Monitor
	app *demo.Traffic
}

func startDemo(t *testing.T, traffic bool) *demoRig {
	t.Helper()
	n := memnet.New()
	client := n.Client(2 * time.Minute)
	d, err := demo.Start(demo.Options{LatencyScale: 1, Client: client, GatewayListen: "127.0.0.1:8787",
		Listen: func(name string) (net.Listener, error) { return n.Listen(name + ".demo:80") }})
	if err != nil {
		t.Fatal(err)
	}
	cfg := d.Config()
	mon := monitor.New(cfg, monitor.Options{Client: client, Demo: true,
		Probe: func(ctx context.Context, p config.Provider) probes.Result { return probes.Probe(ctx, client, p) }})
	gw, err := gateway.New(cfg, mon, gateway.Options{Client: client})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := n.Listen("127.0.0.1:8787")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = mon.Run(ctx) })
	wg.Go(func() { _ = gw.Serve(ctx, ln) })
	rig := &demoRig{mon: mon}
	if traffic {
		rig.app = demo.NewTraffic("http://127.0.0.1:8787/v1", client)
		wg.Go(func() { rig.app.Run(ctx) })
	}
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		d.Close()
		client.CloseIdleConnections()
	})
	return rig
}

// row is the table row of a provider in a screen.
func row(screen, name string) string {
	for _, line := range strings.Split(screen, "\n") {
		if r := []rune(line); len(r) > 3 {
			if f := strings.Fields(string(r[3:])); len(f) > 0 && f[0] == name {
				return line
			}
		}
	}
	return ""
}
