package zombies

import (
	"fmt"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Table renders the reports one row per parent; a node without zombies,
// or whose scan failed, gets one row saying so. withActions adds the kill
// columns.
func Table(l *List, withActions bool) *output.Table {
	cols := []output.Column{
		{Name: "NODE"}, {Name: "POD"}, {Name: "LEASE"}, {Name: "PARENT"},
		{Name: "PID-1", Description: "the parent is its container's PID 1"},
		{Name: "SIGCHLD", Description: "the parent catches SIGCHLD"},
		{Name: "ZOMBIES"}, {Name: "OLDEST"},
		{Name: "PIDS", Description: "the pod's pids cgroup: used/limit"},
		{Name: "SIGTERM", Wide: true}, {Name: "SHIM", Wide: true},
		{Name: "CONTAINER-ID", Wide: true}, {Name: "NODE-PIDS", Wide: true, Description: "threads on the node / pid_max"},
	}
	if withActions {
		cols = append(cols, output.Column{Name: "RESULT"}, output.Column{Name: "MESSAGE"})
	}
	t := output.NewTable(cols...)
	for _, r := range l.Items {
		st := &r.Status
		nodePids := fmt.Sprintf("%d/%d", st.Tasks, st.PIDMax)
		if st.PIDPressure {
			nodePids += " (pressure)"
		}
		if st.Error != "" || len(st.Parents) == 0 {
			msg := "<none>"
			if st.Error != "" {
				msg = "error: " + st.Error
			}
			row := []any{st.Node, msg, "", "", "", "", strconv.Itoa(st.Zombies), "", "", "", "", "", nodePids}
			if withActions {
				row = append(row, "", "")
			}
			t.AddRow(row...)
			continue
		}
		for i := range st.Parents {
			p := &st.Parents[i]
			pod, lease, cid := "<host>", "", ""
			if p.Pod != nil {
				pod, cid = "uid "+p.Pod.UID, short(p.Pod.ContainerID)
				if p.Pod.Name != "" {
					pod = p.Pod.Namespace + "/" + p.Pod.Name
					if p.Pod.Container != "" {
						pod += "/" + p.Pod.Container
					}
				}
				if p.Pod.LeaseOwner != "" {
					lease = p.Pod.LeaseOwner + "/" + p.Pod.LeaseDSeq
				}
			}
			shim := "-"
			if p.ShimPID != 0 {
				shim = strconv.Itoa(p.ShimPID)
			}
			oldest := ""
			if p.OldestZombieSeconds > 0 || !p.OldestZombie.IsZero() {
				oldest = duration.HumanDuration(time.Duration(p.OldestZombieSeconds) * time.Second)
			}
			row := []any{st.Node, pod, lease, fmt.Sprintf("%d %s", p.PID, p.Command), yesNo(p.ContainerInit), yesNo(p.CatchesSIGCHLD),
				strconv.Itoa(p.Zombies), oldest, pidsCell(p.Pids), yesNo(p.CatchesSIGTERM), shim, cid, nodePids}
			if withActions {
				res, msg := "", ""
				if p.Action != nil {
					res, msg = string(p.Action.Result), p.Action.Message
				}
				row = append(row, res, msg)
			}
			t.AddRow(row...)
		}
	}
	return t
}

func pidsCell(p *Pids) string {
	switch {
	case p == nil:
		return ""
	case p.Error != "":
		return "?"
	}
	limit := "max"
	if p.Max >= 0 {
		limit = strconv.FormatInt(p.Max, 10)
	}
	s := fmt.Sprintf("%d/%s", p.Current, limit)
	if p.Pressure {
		s += " (pressure)"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func short(id string) string {
	if len(id) > 13 {
		return id[:13]
	}
	return id
}
