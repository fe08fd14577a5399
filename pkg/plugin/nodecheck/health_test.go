package nodecheck

import (
	"errors"
	"strings"
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

func TestHealthListExitCodeAndTable(t *testing.T) {
	ok := Report{Node: "a", Results: []Result{{Check: "pids", Status: StatusOK, Findings: []Finding{{Code: CodeTopPIDPods, Severity: SeverityInfo, PodUID: "u1", Pod: "web", Namespace: "ns", Owner: "akash1o", DSeq: "7", Message: "top"}}}}}
	found := Report{Node: "b", Results: []Result{{Check: "memcg", Status: StatusFindings, Findings: []Finding{{Code: CodeDyingMemcg, Severity: SeverityWarning, Message: "dying"}}}}}
	broken := Report{Node: "c", Results: []Result{{Check: "kubelet", Status: StatusError, Reason: "forbidden", Findings: []Finding{}}}}
	for _, c := range []struct {
		reports []Report
		errs    []error
		want    int
	}{
		{[]Report{ok}, nil, cli.ExitOK},
		{[]Report{ok, found}, nil, cli.ExitFindings},
		{[]Report{found, broken}, nil, cli.ExitFailure},
		{[]Report{found}, []error{&NodeError{Node: "d", Err: errors.New("node is NotReady")}}, cli.ExitFailure},
	} {
		if got := NewHealthList(c.reports, c.errs).ExitCode(); got != c.want {
			t.Errorf("exit code = %d, want %d", got, c.want)
		}
	}
	l := NewHealthList([]Report{ok, broken}, []error{&NodeError{Node: "d", Err: errors.New("node is NotReady")}})
	if l.Items[2].Name != "d" || l.Items[2].Status.Error != "node is NotReady" {
		t.Errorf("failed node: %+v", l.Items[2])
	}
	rows := Table(l).Table().Rows
	if len(rows) != 3 {
		t.Fatalf("rows: %v", rows)
	}
	if rows[0].Cells[5] != "ns/web" || rows[0].Cells[6] != "akash1o/7" {
		t.Errorf("pod and lease cells: %v", rows[0].Cells)
	}
	if rows[1].Cells[2] != StatusError || rows[1].Cells[7] != "forbidden" {
		t.Errorf("check error row: %v", rows[1].Cells)
	}
}

func TestParseKubeletConfigFile(t *testing.T) {
	k, err := ParseKubeletConfigFile([]byte("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\npodPidsLimit: 4096\nserializeImagePulls: false\nevictionHard: {}\n"), "/var/lib/kubelet/config.yaml")
	if err != nil || *k.PodPidsLimit != 4096 || *k.SerializeImagePulls || k.KubeAPIQPS != nil || !strings.Contains(k.Source, "config.yaml") {
		t.Fatalf("%+v %v", k, err)
	}
	if _, err := ParseKubeletConfigFile([]byte("podPidsLimit: [1"), "x"); err == nil {
		t.Error("broken YAML accepted")
	}
}
