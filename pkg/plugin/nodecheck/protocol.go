package nodecheck

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
)

// AgentCommand is the hidden agent subcommand that runs the checks.
const AgentCommand = "checks"

// Argv is the agent's command line in a debug pod: the selected checks and
// the options (as one JSON flag). It is the only place that builds it.
func Argv(only, skip []string, opts Options) ([]string, error) {
	b, err := json.Marshal(opts)
	if err != nil {
		return nil, err
	}
	argv := []string{"kubectl-akash", "agent", AgentCommand, "--host-root=" + nodedebug.HostRoot, "--proc-root=/proc", "--options=" + string(b)}
	if len(only) > 0 {
		argv = append(argv, "--only="+strings.Join(only, ","))
	}
	if len(skip) > 0 {
		argv = append(argv, "--skip="+strings.Join(skip, ","))
	}
	return argv, nil
}

// ParseOptions reads the agent's --options flag ("" is the defaults).
func ParseOptions(s string) (Options, error) {
	var o Options
	if s == "" {
		return o, nil
	}
	if err := json.Unmarshal([]byte(s), &o); err != nil {
		return o, fmt.Errorf("--options is not the JSON of the check options: %v", err)
	}
	return o, nil
}

// Decode reads one node's answer: its report, or why it has none (the pod
// did not run, the agent failed, or it answered something that is not a
// report: an --image of another version).
func Decode(r nodedebug.NodeResult) (Report, error) {
	if r.Err != nil {
		return Report{Node: r.Node}, r.Err
	}
	var rep Report
	if err := json.Unmarshal(r.Stdout, &rep); err != nil || rep.Results == nil {
		if err == nil {
			err = fmt.Errorf("no results")
		}
		return Report{Node: r.Node}, fmt.Errorf("the agent's answer is not a node check report (is --image this version of kubectl-akash?): %v: %.200q", err, r.Stdout)
	}
	rep.Node = r.Node
	for i := range rep.Results {
		rep.Results[i].finish(rep.Results[i].Check, r.Node)
	}
	return rep, nil
}
