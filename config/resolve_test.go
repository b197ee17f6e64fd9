package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestResolve checks the lookup order with a temporary working directory,
// home and XDG directory, and a fake environment.
func TestResolve(t *testing.T) {
	root := t.TempDir()
	work, home, xdg := filepath.Join(root, "work"), filepath.Join(root, "home"), filepath.Join(root, "xdg")
	homeCfg := filepath.Join(home, ".config", "switchboard", "config.yaml")
	xdgCfg := filepath.Join(xdg, "switchboard", "config.yaml")
	for _, dir := range []string{work, filepath.Dir(homeCfg), filepath.Dir(xdgCfg)} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(work)

	type files struct{ local, xdg, home bool }
	cases := []struct {
		name      string
		flag      string
		env       map[string]string
		have      files
		wantPath  string
		wantFound bool
		searched  []string
	}{
		{"flag wins even when missing", "/nope/custom.yaml", map[string]string{"SWITCHBOARD_CONFIG": "/env.yaml", "HOME": home},
			files{true, true, true}, "/nope/custom.yaml", true, []string{"/nope/custom.yaml"}},
		{"env var next, even when missing", "", map[string]string{"SWITCHBOARD_CONFIG": "/env.yaml", "HOME": home},
			files{true, true, true}, "/env.yaml", true, []string{"/env.yaml"}},
		{"working directory", "", map[string]string{"HOME": home, "XDG_CONFIG_HOME": xdg},
			files{true, true, true}, "./switchboard.yaml", true, []string{"./switchboard.yaml"}},
		{"xdg config home", "", map[string]string{"HOME": home, "XDG_CONFIG_HOME": xdg},
			files{false, true, true}, xdgCfg, true, []string{"./switchboard.yaml", xdgCfg}},
		{"xdg set but empty of config: home not used", "", map[string]string{"HOME": home, "XDG_CONFIG_HOME": xdg},
			files{false, false, true}, "", false, []string{"./switchboard.yaml", xdgCfg}},
		{"home when xdg unset", "", map[string]string{"HOME": home},
			files{false, false, true}, homeCfg, true, []string{"./switchboard.yaml", homeCfg}},
		{"relative xdg ignored", "", map[string]string{"HOME": home, "XDG_CONFIG_HOME": "rel"},
			files{false, false, true}, homeCfg, true, []string{"./switchboard.yaml", homeCfg}},
		{"nothing found", "", map[string]string{"HOME": home},
			files{}, "", false, []string{"./switchboard.yaml", homeCfg}},
		{"no home at all", "", map[string]string{},
			files{}, "", false, []string{"./switchboard.yaml"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			place(t, filepath.Join(work, "switchboard.yaml"), tc.have.local)
			place(t, xdgCfg, tc.have.xdg)
			place(t, homeCfg, tc.have.home)
			getenv := func(k string) string { return tc.env[k] }
			path, found, searched := Resolve(tc.flag, getenv)
			if path != tc.wantPath || found != tc.wantFound || !reflect.DeepEqual(searched, tc.searched) {
				t.Errorf("Resolve = %q, %v, %q\nwant      %q, %v, %q", path, found, searched, tc.wantPath, tc.wantFound, tc.searched)
			}
		})
	}
}

// place creates or removes a small valid config at path.
func place(t *testing.T, path string, present bool) {
	t.Helper()
	if !present {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		return
	}
	if err := os.WriteFile(path, []byte(okProvider), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestResolveSkipsDirectories(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.Mkdir("switchboard.yaml", 0o755); err != nil {
		t.Fatal(err)
	}
	if path, found, _ := Resolve("", func(string) string { return "" }); found {
		t.Errorf("a directory named switchboard.yaml was taken as the config: %q", path)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte("interval: 3s\n"+okProvider), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(good)
	if err != nil || c.Path != good || c.Interval.String() != "3s" {
		t.Fatalf("Load(good) = %+v, %v", c, err)
	}

	_, err = Load(filepath.Join(dir, "missing.yaml"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v, want a not-exist error naming the file", err)
	}

	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte(strings.Repeat("#", MaxFileSize+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big); err == nil || err.Error() != big+":1:1: config file is larger than 1 MiB" {
		t.Errorf("big file: %v", err)
	}

	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("providers: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil || err.Error() != bad+":1:12: providers: the list is empty; add at least one provider" {
		t.Errorf("bad file: %v", err)
	}
}

// TestLoadReadsEnvironment: Load expands ${VAR} from the process environment.
func TestLoadReadsEnvironment(t *testing.T) {
	t.Setenv("SB_TEST_KEY", "sk-from-env")
	path := filepath.Join(t.TempDir(), "c.yaml")
	src := "providers:\n  - name: o\n    kind: openai\n    api_key: ${SB_TEST_KEY}\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil || c.Providers[0].APIKey != "sk-from-env" {
		t.Fatalf("Load = %+v, %v", c, err)
	}
}
