// Command fakeproviders serves N local fake OpenAI-shaped providers on
// loopback and writes a switchboard config that probes them, for the
// dashboard's idle-CPU measurement (bench/idle-cpu.sh). It serves until
// killed or until -for elapses.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"switchboard/config"
	"switchboard/internal/fakes"
)

func main() {
	n := flag.Int("n", 10, "number of providers")
	interval := flag.Duration("interval", time.Second, "probe interval written to the config")
	out := flag.String("config", "bench-providers.yaml", "config file to write")
	life := flag.Duration("for", 5*time.Minute, "stop serving after this long")
	flag.Parse()

	var b strings.Builder
	fmt.Fprintf(&b, "interval: %s\nsuspect_interval: %s\nproviders:\n", *interval, *interval)
	for i := range *n {
		s := fakes.Start(fakes.Options{Kind: config.KindOpenAI, APIKey: "sk-bench"})
		defer s.Close()
		s.Handler().SetDelay(time.Duration(20+i*5) * time.Millisecond)
		fmt.Fprintf(&b, "  - name: fake-%02d\n    kind: openai\n    base_url: %s\n    api_key: sk-bench\n", i, s.BaseURL())
	}
	if err := os.WriteFile(*out, []byte(b.String()), 0o600); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("serving %d providers, config in %s\n", *n, *out)
	time.Sleep(*life)
}
