package cmd

import (
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
)

// TestCertsRenewValidate: each bad input of `certs renew` is one sentence,
// found before any I/O.
func TestCertsRenewValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(o *CertsRenewOptions)
		want string
	}{
		{"a node", func(o *CertsRenewOptions) { o.NodeNames = []string{"cp-1"} }, ""},
		{"the control plane", func(o *CertsRenewOptions) { o.AllControlPlane = true }, ""},
		{"this machine", func(o *CertsRenewOptions) { o.Nodes.Local = true }, ""},
		{"no nodes", func(o *CertsRenewOptions) {}, "choose the nodes one way: NODE..., --all-control-plane, or --local"},
		{"two ways", func(o *CertsRenewOptions) { o.NodeNames, o.Nodes.Local = []string{"cp-1"}, true },
			"choose the nodes one way: NODE..., --all-control-plane, or --local"},
		{"names and the control plane", func(o *CertsRenewOptions) { o.NodeNames, o.AllControlPlane = []string{"cp-1"}, true },
			"choose the nodes one way: NODE..., --all-control-plane, or --local"},
		{"negative chunk size", func(o *CertsRenewOptions) { o.AllControlPlane, o.Nodes.ChunkSize = true, -1 },
			"--chunk-size must be 0 or positive, got -1"},
		{"no out period", func(o *CertsRenewOptions) { o.AllControlPlane, o.OutPeriod = true, 0 },
			"--out-period, --stop-timeout and --ready-timeout must be positive"},
		{"negative ready timeout", func(o *CertsRenewOptions) { o.AllControlPlane, o.ReadyTimeout = true, -1 },
			"--out-period, --stop-timeout and --ready-timeout must be positive"},
		{"relative node root", func(o *CertsRenewOptions) { o.AllControlPlane, o.Nodes.NodeRoot = true, "host" },
			`node paths must be absolute, got "host"`},
		{"relative static-pod dir", func(o *CertsRenewOptions) { o.AllControlPlane, o.Ops.StaticPodDir = true, "manifests" },
			`node paths must be absolute, got "manifests"`},
		{"relative backup dir", func(o *CertsRenewOptions) { o.AllControlPlane, o.Ops.BackupDir = true, "backups" },
			`node paths must be absolute, got "backups"`},
		{"empty field manager", func(o *CertsRenewOptions) { o.AllControlPlane, o.Exec.FieldManager = true, " " },
			"--field-manager must not be empty"},
		{"jq with yaml", func(o *CertsRenewOptions) {
			o.AllControlPlane, o.Output.JQExpr = true, ".items"
			*o.Output.PrintFlags.OutputFormat = "yaml"
		},
			"--jq filters JSON output and cannot be combined with -o yaml: drop -o or use -o json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := NewCertsRenewOptions(&Globals{})
			tc.set(o)
			certsWantErr(t, o.Validate(), tc.want)
		})
	}
}

// TestCertsRenewValidateFillsTheNodeDefaults: a valid renewal knows every
// node path before it plans.
func TestCertsRenewValidateFillsTheNodeDefaults(t *testing.T) {
	o := NewCertsRenewOptions(&Globals{})
	o.AllControlPlane, o.Nodes.NodeRoot, o.Nodes.K3sDir = true, "/node", "/data/k3s"
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if o.Ops.StaticPodDir != "/node/etc/kubernetes/manifests" || o.Ops.CertDir != "/node/etc/kubernetes/pki" ||
		o.Ops.Layout.K3sDir != "/data/k3s" || o.Ops.EtcdService != "etcd" || o.Ops.K3sService != certs.DefaultK3sService {
		t.Fatalf("%+v", o.Ops)
	}
}

// TestCertsNodeFlagsValidate: the node flags of the certs group, in the
// cases TestCertsCheckValidate leaves out.
func TestCertsNodeFlagsValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		set  func(f *CertsNodeFlags)
		want string
	}{
		{"named nodes", []string{"cp-1"}, func(f *CertsNodeFlags) {}, ""},
		{"every node", nil, func(f *CertsNodeFlags) { f.All = true }, ""},
		{"selector and every node", nil, func(f *CertsNodeFlags) { f.All, f.Selector = true, "a=b" },
			"choose the nodes one way: NODE..., --all-nodes, -l SELECTOR, or --local (default: the node-role.kubernetes.io/control-plane nodes)"},
		{"bad selector", nil, func(f *CertsNodeFlags) { f.Selector = "a=(" }, `-l "a=(" is not a valid label selector: `},
		{"negative chunk size", nil, func(f *CertsNodeFlags) { f.ChunkSize = -5 }, "--chunk-size must be 0 or positive, got -5"},
		{"no pod timeout", nil, func(f *CertsNodeFlags) { f.PodTimeout = 0 }, "--pod-timeout must be positive, got 0s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := NewCertsNodeFlags()
			tc.set(f)
			certsWantErr(t, f.Validate(tc.args), tc.want)
		})
	}
	f := NewCertsNodeFlags()
	if err := f.Validate(nil); err != nil || f.Selector != ControlPlaneLabel || !f.defaultControl {
		t.Fatalf("no choice means the control-plane nodes: %v %q", err, f.Selector)
	}
}

// certsWantErr compares an error with the sentence wanted: "" is no
// error, a sentence ending in ": " is the start of the error.
func certsWantErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want == "":
	case err == nil:
		t.Fatalf("no error, want %q", want)
	case want[len(want)-2:] == ": " && len(err.Error()) > len(want) && err.Error()[:len(want)] == want:
	case err.Error() != want:
		t.Fatalf("error %q, want %q", err, want)
	}
}
