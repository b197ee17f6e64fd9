// Command httpbaseline sends one chat completion a second to each provider
// of a switchboard config with a bare net/http client (keep-alive, no
// probe logic, no monitor, no screen): the floor that ten HTTP requests a
// second cost on this machine, which bench/idle-cpu.sh shows beside the
// dashboard in the same run. It stops after -for.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"switchboard/config"
	"switchboard/internal/cli"
)

const body = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"ping"}],"max_tokens":1}`

func main() {
	path := flag.String("config", "bench-providers.yaml", "config written by bench/fakeproviders")
	life := flag.Duration("for", 2*time.Minute, "stop after this long")
	flag.Parse()
	cfg, err := config.Load(*path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	cli.LimitProcs() // the same GOMAXPROCS as the dashboard it is compared with
	ctx, cancel := context.WithTimeout(context.Background(), *life)
	defer cancel()
	client := &http.Client{Timeout: 5 * time.Second}
	var wg sync.WaitGroup
	for i, p := range cfg.Providers {
		wg.Go(func() { askEverySecond(ctx, client, p, time.Duration(i)*time.Second/time.Duration(len(cfg.Providers))) })
	}
	fmt.Printf("asking %d providers once a second\n", len(cfg.Providers))
	wg.Wait()
}

// askEverySecond sends a request to p once a second, starting after phase
// so the requests are spread over the second as the monitor's are.
func askEverySecond(ctx context.Context, client *http.Client, p config.Provider, phase time.Duration) {
	select {
	case <-time.After(phase):
	case <-ctx.Done():
		return
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		ask(ctx, client, p)
		select {
		case <-tick.C:
		case <-ctx.Done():
			return
		}
	}
}

func ask(ctx context.Context, client *http.Client, p config.Provider) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.BaseURL+"/chat/completions", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+p.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
}
