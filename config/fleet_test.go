package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestFleetSection: a written fleet section is decoded with its defaults
// (lease 5s, prefix /switchboard/, the host name, api.listen advertised);
// an absent one stays nil, which is one instance with local state.
func TestFleetSection(t *testing.T) {
	src := "fleet:\n  replica: ${NAME}\n  etcd:\n    endpoints: [\"http://127.0.0.1:2379\", \"http://127.0.0.1:22379\"]\n" +
		"    username: sb\n    password: ${PW}\n" + okProvider
	c, err := Parse("f.yaml", []byte(src), envOf(map[string]string{"NAME": "replica-1", "PW": "pw-0123"}))
	if err != nil {
		t.Fatal(err)
	}
	want := &Fleet{Replica: "replica-1", Lease: DefaultFleetLease, Advertise: DefaultAPIListen,
		Etcd: Etcd{Endpoints: []string{"http://127.0.0.1:2379", "http://127.0.0.1:22379"}, Prefix: DefaultFleetPrefix,
			Username: "sb", Password: "pw-0123"}}
	if !reflect.DeepEqual(c.Fleet, want) {
		t.Errorf("fleet = %+v, want %+v", c.Fleet, want)
	}
	if e, ok := c.At("fleet.etcd.password"); !ok || e.Line != 6 {
		t.Errorf("At(fleet.etcd.password) = %+v %v, want line 6", e, ok)
	}
	if out := c.String(); strings.Contains(out, "pw-0123") {
		t.Errorf("a printed config shows the etcd password:\n%s", out)
	}

	host, _ := os.Hostname()
	c, err = Parse("f.yaml", []byte("api:\n  listen: 0.0.0.0:9000\n  tokens: [{name: a, token: t-0123, role: viewer}]\n"+
		"fleet:\n  lease: 2s\n  etcd: {endpoints: [\"https://e:2379\"], prefix: /sb/prod/}\n"+okProvider), nil)
	if err != nil {
		t.Fatal(err)
	}
	if f := c.Fleet; f.Replica != host || f.Lease != Duration(2*time.Second) || f.Etcd.Prefix != "/sb/prod/" ||
		f.Advertise != host+":9000" {
		t.Errorf("fleet = %+v; want the host name %q, lease 2s, prefix /sb/prod/, advertise %s:9000", f, host, host)
	}

	c, err = Parse("f.yaml", []byte(okProvider), nil)
	if err != nil || c.Fleet != nil {
		t.Errorf("no fleet section: %+v, %v; want nil", c.Fleet, err)
	}
}

// TestFleetErrors: each mistake in the fleet section is reported at its
// line:col, saying what to do, and never quotes the password.
func TestFleetErrors(t *testing.T) {
	const secret = "etcd-s3cret"
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	ep := "  etcd:\n    endpoints: [\"http://127.0.0.1:2379\"]\n"
	cases := []struct{ name, yaml, want string }{
		{"no etcd", "fleet:\n  lease: 5s\n",
			`bad.yaml:2:3: fleet: missing required field "etcd" (endpoints: [...], the fleet's etcd cluster)`},
		{"no endpoints", "fleet:\n  etcd:\n    prefix: /a/\n",
			`bad.yaml:3:5: fleet.etcd.endpoints: at least one etcd endpoint is required, such as ["https://etcd-1:2379"]`},
		{"empty endpoints", "fleet:\n  etcd:\n    endpoints: []\n",
			`bad.yaml:3:16: fleet.etcd.endpoints: at least one etcd endpoint is required, such as ["https://etcd-1:2379"]`},
		{"endpoint without a scheme", "fleet:\n  etcd:\n    endpoints: [\"etcd-1:2379\"]\n",
			`bad.yaml:3:17: fleet.etcd.endpoints[0]: "etcd-1:2379" must start with http:// or https://`},
		{"endpoint without a port", "fleet:\n  etcd:\n    endpoints: [\"https://etcd-1\"]\n",
			`bad.yaml:3:17: fleet.etcd.endpoints[0]: "https://etcd-1" has no port (etcd's client port is usually 2379)`},
		{"endpoint with a path", "fleet:\n  etcd:\n    endpoints: [\"https://etcd-1:2379/v3\"]\n",
			`bad.yaml:3:17: fleet.etcd.endpoints[0]: "https://etcd-1:2379/v3" must be scheme://host:port alone`},
		{"lease too short", "fleet:\n  lease: 1s\n" + ep,
			`bad.yaml:2:10: fleet.lease: must be at least 2s, got "1s"`},
		{"lease not whole seconds", "fleet:\n  lease: 2500ms\n" + ep,
			`bad.yaml:2:10: fleet.lease: must be whole seconds (etcd's leases count seconds), got "2500ms"`},
		{"replica with a slash", "fleet:\n  replica: a/b\n" + ep,
			`bad.yaml:2:12: fleet.replica: "a/b" may hold only letters, digits, '.', '_' and '-'`},
		{"empty replica", "fleet:\n  replica: \"\"\n" + ep,
			`bad.yaml:2:12: fleet.replica: "" must not be empty (leave replica out for the host name)`},
		{"prefix without slashes", "fleet:\n  etcd:\n    endpoints: [\"http://e:2379\"]\n    prefix: sb\n",
			`bad.yaml:4:13: fleet.etcd.prefix: must start and end with "/" (such as "/switchboard/"), so that one fleet's keys never overlap another's, got "sb"`},
		{"password without username", "fleet:\n" + ep + "    password: ${PW}\n",
			`bad.yaml:4:15: fleet.etcd.password: given without fleet.etcd.username`},
		{"username without password", "fleet:\n" + ep + "    username: sb\n",
			`bad.yaml:4:15: fleet.etcd.username: given without fleet.etcd.password (write password: ${ETCD_PASSWORD})`},
		{"tls with http", "fleet:\n" + ep + "    tls: {ca: " + ca + "}\n",
			`bad.yaml:3:17: fleet.etcd.endpoints[0]: "http://127.0.0.1:2379" is plain http, but fleet.etcd.tls is set: write https://`},
		{"cert without key", "fleet:\n  etcd:\n    endpoints: [\"https://e:2379\"]\n    tls: {cert: " + ca + "}\n",
			`bad.yaml:4:17: fleet.etcd.tls.cert: given without fleet.etcd.tls.key (a client certificate needs both)`},
		{"missing ca file", "fleet:\n  etcd:\n    endpoints: [\"https://e:2379\"]\n    tls: {ca: /nonexistent/ca.pem}\n",
			`bad.yaml:4:15: fleet.etcd.tls.ca: "/nonexistent/ca.pem" does not exist`},
		{"bad advertise", "fleet:\n  advertise: replica-1\n" + ep,
			`bad.yaml:2:14: fleet.advertise: must be host:port such as "replica-1:8788", got "replica-1"`},
		{"unknown field", "fleet:\n  replicas: 3\n" + ep,
			`bad.yaml:2:3: unknown field "replicas" in fleet (did you mean "replica"?)`},
	}
	env := envOf(map[string]string{"PW": secret})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := parseErrors(t, tc.yaml+okProvider, env)
			if err.Error() != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", err, tc.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the message shows the password: %s", err)
			}
		})
	}
}
