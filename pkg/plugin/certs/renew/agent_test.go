package renew

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
)

// TestAgentStepsThatChangeTheNodeNeedTheConfirmedPlan: the node side of
// the renewal run without the yes of a confirmed plan must not act, and
// must say why.
func TestAgentStepsThatChangeTheNodeNeedTheConfirmedPlan(t *testing.T) {
	for _, step := range []string{certs.StepSnapshot, certs.StepBackup, certs.StepKubeadm, certs.StepRestart,
		certs.StepEtcdSvc, certs.StepGuard, certs.StepK3sSnapshot, certs.StepK3sRotate} {
		root := t.TempDir()
		rep, err := runStep(context.Background(), agent.Env{HostRoot: root, ProcRoot: "/proc"}, StepOptions{Step: step, Ops: *NewNodeOps()})
		if err == nil || !strings.Contains(err.Error(), "never asks") || !reflect.DeepEqual(rep, certs.StepReport{}) {
			t.Errorf("%s without yes: %v, reported %+v", step, err, rep)
		}
	}
	for _, step := range []string{certs.StepProbe, certs.StepRestartStatus, certs.StepK3sStatus} {
		if ChangesTheNode(step) {
			t.Errorf("%s only reads and needs no yes", step)
		}
	}
}

// TestStepArgvCarriesTheConfirmedPlan: the client sends every setting and
// the plan's yes to the steps that change the node, and never to the ones
// that read; the agent decodes the same settings.
func TestStepArgvCarriesTheConfirmedPlan(t *testing.T) {
	ops := NewNodeOps()
	ops.BackupDir, ops.EtcdService = "/srv/backups", ""
	ops.Defaults()
	r := certs.Restart{Name: "kube-apiserver", PodUID: "uid-1", Out: 21 * time.Second, Timeout: time.Minute}
	for step, yes := range map[string]bool{certs.StepProbe: false, certs.StepRestartStatus: false, certs.StepRestart: true, certs.StepK3sRotate: true} {
		argv := stepArgv(ops, step, r)
		if argv[0] != agent.Program || argv[1] != agent.Verb || argv[2] != StepAgent.Name {
			t.Fatalf("%q", argv)
		}
		o := decodeOptions(t, argv[len(argv)-1])
		if o.Step != step || o.Yes != yes || o.Restart != r || o.Ops.BackupDir != "/srv/backups" || o.Ops.EtcdService != "" ||
			o.Ops.Layout != ops.Layout || o.Ops.StaticPodDir != ops.StaticPodDir {
			t.Errorf("%s: %+v", step, o)
		}
	}
}

// TestGuardArgvIsTheSameStepAsGuardian: the guardian runs this program's
// step agent with the restart's settings, the roots of this process, the
// guard step and the token of the run.
func TestGuardArgvIsTheSameStepAsGuardian(t *testing.T) {
	o := StepOptions{Step: certs.StepRestart, Ops: *NewNodeOps(), Restart: certs.Restart{Name: "etcd", Out: time.Second}, Yes: true}
	argv := guardArgv("/usr/local/bin/kubectl-akash", agent.Env{HostRoot: "/host", ProcRoot: "/proc"}, o)("tok-1")
	want := []string{"/usr/local/bin/kubectl-akash", "agent", "certs-renew", "--host-root=/host", "--proc-root=/proc"}
	if !reflect.DeepEqual(argv[:5], want) || !strings.HasPrefix(argv[5], "--options=") {
		t.Fatalf("%q", argv)
	}
	g := decodeOptions(t, argv[5])
	if g.Step != certs.StepGuard || g.GuardToken != "tok-1" || !g.Yes || g.Restart != o.Restart {
		t.Fatalf("%+v", g)
	}
}

func decodeOptions(t *testing.T, flag string) StepOptions {
	t.Helper()
	js, ok := strings.CutPrefix(flag, "--"+agent.OptionsFlag+"=")
	if !ok {
		t.Fatalf("no options in %q", flag)
	}
	var o StepOptions
	if err := json.Unmarshal([]byte(js), &o); err != nil {
		t.Fatal(err)
	}
	return o
}
