package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// Fleet makes several serve replicas act as one through etcd: one leader
// probes and decides, every replica routes as it publishes, and operator
// commands through any replica are committed to etcd. Without it serve is
// one instance with local state.
type Fleet struct {
	// Replica is this replica's name, unique in the fleet; events, logs and
	// the state name it. Default: the host name.
	Replica string `yaml:"replica"`
	// Lease is the leader's lease: a leader that dies is replaced within
	// about this long, and a replica that loses etcd for this long stops
	// leading. Whole seconds (etcd's leases count seconds).
	Lease Duration `yaml:"lease"` // default 5s
	// Advertise is the address of this replica's API that operators and
	// the other replicas are shown. Default: api.listen, with an
	// unspecified host (0.0.0.0, [::]) replaced by the host name.
	Advertise string `yaml:"advertise"`
	Etcd      Etcd   `yaml:"etcd"`
}

// Etcd is how a replica reaches the fleet's etcd cluster.
type Etcd struct {
	Endpoints []string `yaml:"endpoints"` // http(s)://host:port of each member
	Prefix    string   `yaml:"prefix"`    // default /switchboard/: every key of the fleet is under it
	Username  string   `yaml:"username"`  // optional, with password
	Password  string   `yaml:"password"`  // never printed
	TLS       *EtcdTLS `yaml:"tls"`       // optional: a private CA, a client certificate
}

// EtcdTLS are PEM files: the CA that signed etcd's certificates (default:
// the system's roots), and this replica's client certificate and key
// (both or neither).
type EtcdTLS struct {
	CA   string `yaml:"ca"`
	Cert string `yaml:"cert"`
	Key  string `yaml:"key"`
}

// Fleet defaults.
const (
	DefaultFleetLease  = Duration(5 * time.Second)
	DefaultFleetPrefix = "/switchboard/"
)

// The fleet's field names, in the order the example documents them.
var (
	fleetFields   = []string{"replica", "lease", "advertise", "etcd"}
	etcdFields    = []string{"endpoints", "prefix", "username", "password", "tls"}
	etcdTLSFields = []string{"ca", "cert", "key"}
)

// leaseLimits: etcd raises a lease shorter than 1.5 election timeouts (2s
// at its defaults) to that, so a shorter one would not mean what it says;
// past 5 minutes a dead leader leaves the fleet without probes for too
// long to call it a failover.
var leaseLimits = limits{2 * sec, Duration(5 * time.Minute)}

// maxReplicaName bounds a replica's name: it is a DNS label's length,
// which a host name used as the default always fits.
const maxReplicaName = 63

type fleetLayout struct {
	f, etcd, tls *fields
	endpointsAt  []pos
}

// fleetSection decodes the fleet section.
func (d *decoder) fleetSection(v ast.Node, fl *Fleet) *fleetLayout {
	lay := &fleetLayout{etcd: &fields{}, tls: &fields{}}
	lay.f = d.mapping(v, "fleet", fleetFields, func(key string, v ast.Node) {
		path := join("fleet", key)
		switch key {
		case "replica":
			d.str(v, path, &fl.Replica)
		case "lease":
			d.duration(v, path, &fl.Lease, leaseLimits)
		case "advertise":
			d.str(v, path, &fl.Advertise)
		case "etcd":
			lay.etcd = d.mapping(v, path, etcdFields, func(key string, v ast.Node) {
				epath := join(path, key)
				switch key {
				case "endpoints":
					fl.Etcd.Endpoints, lay.endpointsAt = d.strList(v, epath, `["https://etcd-1:2379"]`)
				case "prefix":
					d.str(v, epath, &fl.Etcd.Prefix)
				case "username":
					d.str(v, epath, &fl.Etcd.Username)
				case "password":
					d.str(v, epath, &fl.Etcd.Password)
				case "tls":
					fl.Etcd.TLS = &EtcdTLS{}
					strs := map[string]*string{"ca": &fl.Etcd.TLS.CA, "cert": &fl.Etcd.TLS.Cert, "key": &fl.Etcd.TLS.Key}
					lay.tls = d.mapping(v, epath, etcdTLSFields, func(key string, v ast.Node) {
						d.str(v, join(epath, key), strs[key])
					})
				}
			})
		}
	})
	return lay
}

// validateFleet checks the fleet section: a usable replica name, a lease
// in whole seconds, etcd endpoints to reach, a prefix that cannot overlap
// another fleet's, credentials and TLS files given whole.
func (d *decoder) validateFleet(fl *Fleet, lay *fleetLayout) {
	f, e := lay.f, lay.etcd
	if f.has("replica") && !f.bad["replica"] {
		if msg := checkReplicaName(fl.Replica); msg != "" {
			d.add(f.val("replica"), "fleet.replica: %s %s", f.text("replica"), msg)
		}
	}
	if fl.Lease != 0 && fl.Lease.D()%time.Second != 0 {
		d.add(f.val("lease"), "fleet.lease: must be whole seconds (etcd's leases count seconds), got %s", f.text("lease"))
	}
	if f.has("advertise") && fl.Advertise != "" {
		if _, port, err := net.SplitHostPort(fl.Advertise); err != nil || port == "" {
			d.add(f.val("advertise"), `fleet.advertise: must be host:port such as "replica-1:8788", got %s`, f.text("advertise"))
		}
	}
	switch {
	case !f.has("etcd") || f.bad["etcd"]:
		if !f.bad["etcd"] {
			d.add(f.start, `fleet: missing required field "etcd" (endpoints: [...], the fleet's etcd cluster)`)
		}
	case e.bad["endpoints"]:
	case len(fl.Etcd.Endpoints) == 0:
		at := e.start
		if e.has("endpoints") {
			at = e.val("endpoints")
		}
		d.add(at, `fleet.etcd.endpoints: at least one etcd endpoint is required, such as ["https://etcd-1:2379"]`)
	}
	for i, ep := range fl.Etcd.Endpoints {
		if msg := checkEndpoint(ep); msg != "" {
			d.add(lay.endpointsAt[i], "fleet.etcd.endpoints[%d]: %s %s", i, quote(ep), msg)
		} else if fl.Etcd.TLS != nil && strings.HasPrefix(ep, "http://") {
			d.add(lay.endpointsAt[i], "fleet.etcd.endpoints[%d]: %s is plain http, but fleet.etcd.tls is set: write https://", i, quote(ep))
		}
	}
	if e.has("prefix") && !e.bad["prefix"] {
		if p := fl.Etcd.Prefix; !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || len(p) < 2 {
			d.add(e.val("prefix"), `fleet.etcd.prefix: must start and end with "/" (such as "/switchboard/"), so that one fleet's keys never overlap another's, got %s`, e.text("prefix"))
		}
	}
	if (fl.Etcd.Username == "") != (fl.Etcd.Password == "") && !e.bad["username"] && !e.bad["password"] {
		if fl.Etcd.Username == "" {
			d.add(e.val("password"), "fleet.etcd.password: given without fleet.etcd.username")
		} else {
			d.add(e.val("username"), "fleet.etcd.username: given without fleet.etcd.password (write password: ${ETCD_PASSWORD})")
		}
	}
	if t := fl.Etcd.TLS; t != nil {
		d.validateEtcdTLS(t, lay.tls)
	}
}

func (d *decoder) validateEtcdTLS(t *EtcdTLS, f *fields) {
	if (t.Cert == "") != (t.Key == "") && !f.bad["cert"] && !f.bad["key"] {
		if t.Cert == "" {
			d.add(f.val("key"), "fleet.etcd.tls.key: given without fleet.etcd.tls.cert (a client certificate needs both)")
		} else {
			d.add(f.val("cert"), "fleet.etcd.tls.cert: given without fleet.etcd.tls.key (a client certificate needs both)")
		}
	}
	for _, k := range etcdTLSFields {
		v := map[string]string{"ca": t.CA, "cert": t.Cert, "key": t.Key}[k]
		if v == "" || f.bad[k] {
			continue
		}
		if msg := checkReadable(v); msg != "" {
			d.add(f.val(k), "fleet.etcd.tls.%s: %s %s", k, f.text(k), msg)
		}
	}
}

// checkReplicaName says what is wrong with a replica's name, "" when
// nothing: it is part of etcd keys and of every event the replica's
// commands leave, so letters, digits, '.', '_' and '-' only.
func checkReplicaName(name string) string {
	switch {
	case name == "":
		return "must not be empty (leave replica out for the host name)"
	case len(name) > maxReplicaName:
		return fmt.Sprintf("is longer than %d characters", maxReplicaName)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return "may hold only letters, digits, '.', '_' and '-'"
		}
	}
	return ""
}

// checkEndpoint says what is wrong with an etcd endpoint, "" when nothing.
func checkEndpoint(s string) string {
	if msg := checkURL(s); msg != "" {
		return msg
	}
	u, _ := url.Parse(s)
	switch {
	case u.Port() == "":
		return "has no port (etcd's client port is usually 2379)"
	case u.Path != "" && u.Path != "/" || u.RawQuery != "":
		return "must be scheme://host:port alone"
	case u.User != nil:
		return "must not hold credentials: use fleet.etcd.username and password"
	}
	if n, err := strconv.Atoi(u.Port()); err != nil || n < 1 || n > 65535 {
		return "has an invalid port"
	}
	return ""
}

// checkReadable says why a file cannot be read, "" when it can.
func checkReadable(name string) string {
	f, err := os.Open(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist"
	case errors.Is(err, fs.ErrPermission):
		return "cannot be read: permission denied"
	case err != nil:
		return "cannot be read"
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return "is a directory, not a file"
	}
	return ""
}

// applyDefaults fills the lease, the prefix, the replica's name (the host
// name) and the address it advertises (api listens on apiListen).
func (fl *Fleet) applyDefaults(apiListen string) {
	setDur(&fl.Lease, DefaultFleetLease)
	if fl.Etcd.Prefix == "" {
		fl.Etcd.Prefix = DefaultFleetPrefix
	}
	host, _ := os.Hostname()
	if fl.Replica == "" {
		fl.Replica = host
	}
	if fl.Advertise == "" {
		fl.Advertise = advertised(apiListen, host)
	}
}

// advertised is the API's listen address as others can reach it: an
// unspecified host (every interface) is replaced by the host name.
func advertised(listen, hostname string) string {
	h, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if ip := net.ParseIP(h); (h == "" || ip != nil && ip.IsUnspecified()) && hostname != "" {
		return net.JoinHostPort(hostname, port)
	}
	return listen
}
