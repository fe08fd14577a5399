package schedule

import (
	"fmt"
	"sort"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/version"
)

// Program is the binary's name in the project image, on its PATH.
const Program = "kubectl-akash"

// ImageRepository is where the release pipeline publishes the image.
const ImageRepository = "ghcr.io/kubectl-akash/kubectl-akash"

// DefaultImage is this build's image: tagged with the version, or latest
// for development builds, which have no published image of their own.
func DefaultImage() string {
	v := version.Get().Version
	if v == "" || strings.HasPrefix(v, "v0.0.0-dev") {
		v = "latest"
	}
	return ImageRepository + ":" + v
}

// Rule is one permission the scheduled command needs, and why.
type Rule struct {
	// Namespace scopes the rule to one namespace (a Role); "" means every
	// namespace (a ClusterRole).
	Namespace string
	APIGroups []string
	Resources []string
	Verbs     []string
}

// Job describes a scheduled command.
type Job struct {
	// Name is the command's short name ("kill-image"); objects are named
	// kubectl-akash-<Name>.
	Name string
	// Namespace holds the CronJob and its ServiceAccount (the provider
	// namespace: the operator's own namespace, not a tenant's).
	Namespace string
	Schedule  string
	Image     string
	// Args follow the program name; they must already include --yes.
	Args  []string
	Rules []Rule
}

// objectName is the name of every object of the job.
func (j Job) objectName() string { return "kubectl-akash-" + j.Name }

func (j Job) labels() map[string]string {
	return map[string]string{
		"app.kubernetes.io/name":      "kubectl-akash",
		"app.kubernetes.io/component": j.Name,
		"app.kubernetes.io/part-of":   "kubectl-akash",
	}
}

// Validate checks the job before objects are built.
func (j Job) Validate() error {
	if err := ValidateCron(j.Schedule); err != nil {
		return err
	}
	if j.Namespace == "" {
		return fmt.Errorf("a scheduled job needs a namespace (--provider-namespace)")
	}
	for _, a := range j.Args {
		if a == "--yes" {
			return nil
		}
	}
	return fmt.Errorf("internal: the scheduled command must run with --yes")
}

// Objects returns, in apply order, the ServiceAccount, one Role+RoleBinding
// per namespace of the rules, a ClusterRole+ClusterRoleBinding for the
// cluster-wide rules, and the CronJob. They are unstructured so that the
// printed YAML holds only what was set (no null creationTimestamp, no
// empty status).
func (j Job) Objects() ([]*unstructured.Unstructured, error) {
	if err := j.Validate(); err != nil {
		return nil, err
	}
	name := j.objectName()
	meta := func(ns string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Namespace: ns, Labels: j.labels()}
	}
	subject := []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: name, Namespace: j.Namespace}}
	objs := []runtime.Object{&corev1.ServiceAccount{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta: meta(j.Namespace),
		// The pod needs the token to call the API; nothing else mounts it.
		AutomountServiceAccountToken: ptr.To(true),
	}}

	byNS := map[string][]rbacv1.PolicyRule{}
	for _, r := range j.Rules {
		byNS[r.Namespace] = append(byNS[r.Namespace], rbacv1.PolicyRule{APIGroups: r.APIGroups, Resources: r.Resources, Verbs: r.Verbs})
	}
	namespaces := make([]string, 0, len(byNS))
	for ns := range byNS {
		namespaces = append(namespaces, ns)
	}
	sort.Strings(namespaces)
	for _, ns := range namespaces {
		if ns == "" {
			objs = append(objs,
				&rbacv1.ClusterRole{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"}, ObjectMeta: meta(""), Rules: byNS[ns]},
				&rbacv1.ClusterRoleBinding{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"}, ObjectMeta: meta(""),
					RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name}, Subjects: subject})
			continue
		}
		objs = append(objs,
			&rbacv1.Role{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"}, ObjectMeta: meta(ns), Rules: byNS[ns]},
			&rbacv1.RoleBinding{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"}, ObjectMeta: meta(ns),
				RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name}, Subjects: subject})
	}
	objs = append(objs, j.cronJob(meta(j.Namespace)))

	out := make([]*unstructured.Unstructured, 0, len(objs))
	for _, o := range objs {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
		if err != nil {
			return nil, err
		}
		u := &unstructured.Unstructured{Object: m}
		delete(u.Object, "status")
		dropNullTimestamps(u.Object)
		out = append(out, u)
	}
	return out, nil
}

// cronJob runs the command once per schedule tick, never two at once
// (Forbid: a slow run — transactions wait for blocks — must not overlap the
// next), without retries (a failed close is reported, and the next tick
// plans again from the cluster's state), as a non-root, read-only container.
func (j Job) cronJob(meta metav1.ObjectMeta) *batchv1.CronJob {
	return &batchv1.CronJob{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "CronJob"},
		ObjectMeta: meta,
		Spec: batchv1.CronJobSpec{
			Schedule:                   j.Schedule,
			ConcurrencyPolicy:          batchv1.ForbidConcurrent,
			StartingDeadlineSeconds:    ptr.To[int64](300),
			SuccessfulJobsHistoryLimit: ptr.To[int32](3),
			FailedJobsHistoryLimit:     ptr.To[int32](3),
			JobTemplate: batchv1.JobTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: j.labels()},
				Spec: batchv1.JobSpec{
					BackoffLimit:            ptr.To[int32](0),
					ActiveDeadlineSeconds:   ptr.To[int64](3600),
					TTLSecondsAfterFinished: ptr.To[int32](86400),
					Template: corev1.PodTemplateSpec{
						ObjectMeta: metav1.ObjectMeta{Labels: j.labels()},
						Spec: corev1.PodSpec{
							ServiceAccountName: j.objectName(),
							RestartPolicy:      corev1.RestartPolicyNever,
							SecurityContext: &corev1.PodSecurityContext{
								RunAsNonRoot:   ptr.To(true),
								RunAsUser:      ptr.To[int64](65532),
								SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
							},
							Containers: []corev1.Container{{
								Name:    "kubectl-akash",
								Image:   j.Image,
								Command: []string{Program},
								Args:    j.Args,
								SecurityContext: &corev1.SecurityContext{
									AllowPrivilegeEscalation: ptr.To(false),
									ReadOnlyRootFilesystem:   ptr.To(true),
									Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
								},
							}},
						},
					},
				},
			},
		},
	}
}

// dropNullTimestamps removes the null creationTimestamp the converter
// writes into every (template) metadata.
func dropNullTimestamps(obj map[string]any) {
	if md, ok := obj["metadata"].(map[string]any); ok && md["creationTimestamp"] == nil {
		delete(md, "creationTimestamp")
	}
	for _, v := range obj {
		if m, ok := v.(map[string]any); ok {
			dropNullTimestamps(m)
		}
	}
}
