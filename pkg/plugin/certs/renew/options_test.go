package renew

import (
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs/certstest"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// TestValidate: each bad input of `certs renew` is one sentence,
// found before any I/O.
func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(o *Options)
		want string
	}{
		{"a node", func(o *Options) { o.NodeNames = []string{"cp-1"} }, ""},
		{"the control plane", func(o *Options) { o.AllControlPlane = true }, ""},
		{"this machine", func(o *Options) { o.Nodes.Local = true }, ""},
		{"no nodes", func(o *Options) {}, "choose the nodes one way: NODE..., --all-control-plane, or --local"},
		{"two ways", func(o *Options) { o.NodeNames, o.Nodes.Local = []string{"cp-1"}, true },
			"choose the nodes one way: NODE..., --all-control-plane, or --local"},
		{"names and the control plane", func(o *Options) { o.NodeNames, o.AllControlPlane = []string{"cp-1"}, true },
			"choose the nodes one way: NODE..., --all-control-plane, or --local"},
		{"negative chunk size", func(o *Options) { o.AllControlPlane, o.Nodes.ChunkSize = true, -1 },
			"--chunk-size must be 0 or positive, got -1"},
		{"no out period", func(o *Options) { o.AllControlPlane, o.OutPeriod = true, 0 },
			"--out-period, --stop-timeout and --ready-timeout must be positive"},
		{"negative ready timeout", func(o *Options) { o.AllControlPlane, o.ReadyTimeout = true, -1 },
			"--out-period, --stop-timeout and --ready-timeout must be positive"},
		{"relative node root", func(o *Options) { o.AllControlPlane, o.Nodes.NodeRoot = true, "host" },
			`node paths must be absolute, got "host"`},
		{"relative static-pod dir", func(o *Options) { o.AllControlPlane, o.Ops.StaticPodDir = true, "manifests" },
			`node paths must be absolute, got "manifests"`},
		{"relative backup dir", func(o *Options) { o.AllControlPlane, o.Ops.BackupDir = true, "backups" },
			`node paths must be absolute, got "backups"`},
		{"empty field manager", func(o *Options) { o.AllControlPlane, o.Exec.FieldManager = true, " " },
			"--field-manager must not be empty"},
		{"jq with yaml", func(o *Options) {
			o.AllControlPlane, o.Output.JQExpr = true, ".items"
			*o.Output.PrintFlags.OutputFormat = "yaml"
		},
			"--jq filters JSON output and cannot be combined with -o yaml: drop -o or use -o json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := NewOptions(&cli.Globals{})
			tc.set(o)
			certstest.WantErr(t, o.Validate(), tc.want)
		})
	}
}

// TestValidateFillsTheNodeDefaults: a valid renewal knows every
// node path before it plans.
func TestValidateFillsTheNodeDefaults(t *testing.T) {
	o := NewOptions(&cli.Globals{})
	o.AllControlPlane, o.Nodes.NodeRoot, o.Nodes.K3sDir = true, "/node", "/data/k3s"
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if o.Ops.StaticPodDir != "/node/etc/kubernetes/manifests" || o.Ops.CertDir != "/node/etc/kubernetes/pki" ||
		o.Ops.Layout.K3sDir != "/data/k3s" || o.Ops.EtcdService != "etcd" || o.Ops.K3sService != certs.DefaultK3sService {
		t.Fatalf("%+v", o.Ops)
	}
}
