package nodedebug

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
)

// TestPodRunsPauseFromTheProtocol: the debug pod's main process is the
// pause command's argv, at the image's path, with the pod's lifetime.
func TestPodRunsPauseFromTheProtocol(t *testing.T) {
	o := Options{Namespace: "kube-system", Image: "img", PodTimeout: time.Minute}
	cmd := PodFor(o, "n1").Spec.Containers[0].Command
	if len(cmd) != 6 || cmd[0] != AgentPath || cmd[1] != agent.Verb || cmd[2] != Pause.Name {
		t.Fatalf("command %q", cmd)
	}
	var p PauseOptions
	if err := json.Unmarshal([]byte(strings.TrimPrefix(cmd[5], "--options=")), &p); err != nil || p.For != o.lifetime() {
		t.Fatalf("options %q: %+v %v, want for %s", cmd[5], p, err, o.lifetime())
	}
}

// TestPauseEndsWhenItsTimeIsUp: a pod whose plugin died does not idle on.
func TestPauseEndsWhenItsTimeIsUp(t *testing.T) {
	if _, err := Pause.Run(context.Background(), agent.Env{}, PauseOptions{For: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
}
