package doctor

import (
	"fmt"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/failedpods"
)

// leasePods counts the pods the pod checks scanned: those of lease
// namespaces.
func leasePods(in *Input) int {
	leases := in.Snapshot.LeaseByNamespace()
	n := 0
	for i := range in.Snapshot.Pods {
		if _, ok := leases[in.Snapshot.Pods[i].Namespace]; ok {
			n++
		}
	}
	return n
}

// checkFailedPods is clean-failed's analysis, as findings.
func checkFailedPods(in *Input) CheckResult {
	r := result(leasePods(in))
	for _, p := range failedpods.Find(in.Snapshot, failedpods.Options{Now: in.Now}) {
		msg := fmt.Sprintf("pod of service %s failed (%s)", p.Spec.Service, p.Spec.Reason)
		if p.Spec.Message != "" {
			msg += ": " + firstLine(p.Spec.Message)
		}
		id := p.Spec.LeaseID
		r.Findings = append(r.Findings, Finding{Code: CodeFailedPod, Severity: SeverityWarning, Node: p.Spec.Node, Namespace: p.Namespace, Pod: p.Name,
			Message: msg, Fix: "kubectl akash pods clean-failed" + nsFlag(p.Namespace) + " --yes"}.WithLease(&id))
	}
	return r
}

// checkUnhealthyPods reports lease pods whose containers cannot run.
func checkUnhealthyPods(in *Input) CheckResult {
	r := result(leasePods(in))
	for _, u := range failedpods.FindUnhealthy(in.Snapshot) {
		f := Finding{Code: CodeCrashingPod, Severity: SeverityWarning, Node: u.Node, Namespace: u.Namespace, Pod: u.Name,
			Message: fmt.Sprintf("container %s of service %s is %s (%d restarts)", u.Container, u.Service, u.Reason, u.Restarts),
			Fix:     fmt.Sprintf("kubectl -n %s logs %s -c %s --previous (the tenant's image or command; if it never runs, close the lease: kubectl akash leases close --owner %s --dseq %d --gseq %d --oseq %d)", u.Namespace, u.Name, u.Container, u.LeaseID.Owner, u.LeaseID.DSeq, u.LeaseID.GSeq, u.LeaseID.OSeq)}
		if u.ImagePull {
			f.Code = CodeImagePull
			f.Message = fmt.Sprintf("the image of container %s of service %s cannot be pulled (%s)", u.Container, u.Service, u.Reason)
			f.Fix = fmt.Sprintf("kubectl -n %s describe pod %s (a private or missing image is the tenant's; a registry limit is the node's: check its pull secrets and registry mirrors)", u.Namespace, u.Name)
		}
		if u.Message != "" {
			f.Message += ": " + firstLine(u.Message)
		}
		id := u.LeaseID
		r.Findings = append(r.Findings, f.WithLease(&id))
	}
	return r
}
