package config

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// String formats the duration as it is written in a config file: "10s",
// "5m", "1h30m" (time.Duration's "5m0s" trailing zero units are dropped).
func (d Duration) String() string {
	s := time.Duration(d).String()
	s = strings.TrimSuffix(s, "m0s")
	if s != time.Duration(d).String() {
		s += "m"
	}
	if t := strings.TrimSuffix(s, "h0m"); t != s {
		s = t + "h"
	}
	return s
}

// MarshalYAML writes the duration as a string such as "10s".
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// UnmarshalYAML reads a duration written as "10s", "1m30s" or "250ms", for
// code that decodes parts of a config with yaml.Unmarshal.
func (d *Duration) UnmarshalYAML(b []byte) error {
	var s string
	if err := yaml.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := parseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// errNoUnit tells a user who wrote `interval: 10` that a unit is needed:
// guessing seconds or nanoseconds would silently misconfigure the probe.
var errNoUnit = errors.New("missing unit")

// parseDuration parses a Go duration string and refuses a bare number.
func parseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if _, err := strconv.ParseFloat(s, 64); err == nil && s != "0" {
		return 0, errNoUnit
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	return Duration(v), nil
}

// byteUnits are the suffixes a ByteSize accepts, longest first so "MiB" is
// not read as "B".
var byteUnits = []struct {
	name string
	mult int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9},
	{"B", 1},
}

// parseByteSize parses "10MiB", "512KiB", "10MB", "1.5GiB" or a plain
// number of bytes. Units are matched case-insensitively.
func parseByteSize(s string) (ByteSize, error) {
	s = strings.TrimSpace(s)
	num, mult := s, int64(1)
	for _, u := range byteUnits {
		if len(s) > len(u.name) && strings.EqualFold(s[len(s)-len(u.name):], u.name) {
			num, mult = strings.TrimSpace(s[:len(s)-len(u.name)]), u.mult
			break
		}
	}
	if n, err := strconv.ParseInt(num, 10, 64); err == nil {
		if n < 0 {
			return 0, errors.New("negative size")
		}
		if n > math.MaxInt64/mult {
			return 0, errors.New("too large")
		}
		return ByteSize(n * mult), nil
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(num, "eExXpP_") {
		return 0, errors.New("not a size")
	}
	if f < 0 {
		return 0, errors.New("negative size")
	}
	v := f * float64(mult)
	if v >= math.MaxInt64 {
		return 0, errors.New("too large")
	}
	return ByteSize(v), nil
}

// String formats the size with the largest unit that divides it exactly:
// 10485760 is "10MiB", 10000000 is "10MB", 1500 is "1500".
func (b ByteSize) String() string {
	if b == 0 {
		return "0"
	}
	for _, u := range []struct {
		name string
		mult int64
	}{{"GiB", 1 << 30}, {"GB", 1e9}, {"MiB", 1 << 20}, {"MB", 1e6}, {"KiB", 1 << 10}, {"KB", 1e3}} {
		if int64(b)%u.mult == 0 {
			return fmt.Sprintf("%d%s", int64(b)/u.mult, u.name)
		}
	}
	return strconv.FormatInt(int64(b), 10)
}

// MarshalYAML writes the size as a string such as "10MiB".
func (b ByteSize) MarshalYAML() (any, error) { return b.String(), nil }

// UnmarshalYAML reads a size written as a number of bytes or with a unit.
func (b *ByteSize) UnmarshalYAML(data []byte) error {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return err
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case uint64, int64, int, float64:
		s = fmt.Sprint(x)
	default:
		return fmt.Errorf("expected a size such as \"10MiB\", got %T", v)
	}
	n, err := parseByteSize(s)
	if err != nil {
		return fmt.Errorf("invalid size %q: %w", s, err)
	}
	*b = n
	return nil
}
