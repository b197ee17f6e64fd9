package config

import (
	"testing"
	"time"

	"github.com/goccy/go-yaml"
)

func TestDurationString(t *testing.T) {
	cases := map[time.Duration]string{
		0: "0s", 250 * time.Millisecond: "250ms", 10 * time.Second: "10s", 5 * time.Minute: "5m",
		90 * time.Second: "1m30s", time.Hour: "1h", 90 * time.Minute: "1h30m", -5 * time.Minute: "-5m",
	}
	for d, want := range cases {
		if got := Duration(d).String(); got != want {
			t.Errorf("Duration(%v).String() = %q, want %q", d, got, want)
		}
		if back, err := parseDuration(want); d != 0 && (err != nil || back.D() != d) {
			t.Errorf("parseDuration(%q) = %v, %v", want, back, err)
		}
	}
}

func TestParseByteSize(t *testing.T) {
	good := map[string]ByteSize{
		"1024": 1024, "512KiB": 512 << 10, "10MiB": 10 << 20, "1GiB": 1 << 30, "10MB": 10_000_000,
		"2kb": 2000, "1.5GiB": 3 << 29, "7 B": 7, " 3 mib ": 3 << 20,
	}
	for in, want := range good {
		if got, err := parseByteSize(in); err != nil || got != want {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "-1", "-1MiB", "10 megabytes", "1e3", "NaN", "inf", "0x10", "99999999999GiB", "1_000"} {
		if got, err := parseByteSize(in); err == nil {
			t.Errorf("parseByteSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestByteSizeString(t *testing.T) {
	cases := map[ByteSize]string{0: "0", 10 << 20: "10MiB", 10_000_000: "10MB", 1500: "1500", 3 << 30: "3GiB", 2048: "2KiB"}
	for b, want := range cases {
		if got := b.String(); got != want {
			t.Errorf("ByteSize(%d).String() = %q, want %q", int64(b), got, want)
		}
	}
}

// TestUnitsYAML: the types marshal to the form a user writes and decode
// back through goccy's Unmarshal, for code that reads parts of a config.
func TestUnitsYAML(t *testing.T) {
	type doc struct {
		D Duration `yaml:"d"`
		B ByteSize `yaml:"b"`
	}
	out, err := yaml.Marshal(doc{D: Duration(90 * time.Second), B: 10 << 20})
	if err != nil || string(out) != "d: 1m30s\nb: 10MiB\n" {
		t.Fatalf("Marshal = %q, %v", out, err)
	}
	var back doc
	if err := yaml.Unmarshal([]byte("d: 250ms\nb: 4096\n"), &back); err != nil || back.D.D() != 250*time.Millisecond || back.B != 4096 {
		t.Errorf("Unmarshal = %+v, %v", back, err)
	}
	if err := yaml.Unmarshal([]byte("d: 10\n"), &back); err == nil {
		t.Error("a duration without a unit was accepted")
	}
	if err := yaml.Unmarshal([]byte("b: lots\n"), &back); err == nil {
		t.Error("a size without a number was accepted")
	}
}
