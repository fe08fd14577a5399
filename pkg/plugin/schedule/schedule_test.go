package schedule

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

func TestValidateCron(t *testing.T) {
	for _, ok := range []string{"*/5 * * * *", "0 3 * * *", "0,30 8-18 * * MON-FRI", "15 2 1 */2 ?", "@hourly", "@daily", "@every 90s", "? * * * *", "0 0 1 jan,jul sun", "5-55/10 * * * 0-6", " */5 * * * * "} {
		if err := ValidateCron(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	// The messages are robfig/cron's, the parser the API server validates
	// CronJob schedules with, plus the field it refused.
	bad := map[string]string{
		"":                      "needs a cron expression",
		"*/5 * * *":             "expected exactly 5 fields, found 4",
		"*/5 * * * * *":         "expected exactly 5 fields, found 6",
		"60 * * * *":            "minute field: end of range (60) above maximum (59)",
		"* 24 * * *":            "hour field",
		"* * 0 * *":             "day of month field",
		"* * * 13 *":            "month field",
		"* * * * 7":             "day of week field",
		"*/0 * * * *":           "step of range should be a positive number",
		"5-1 * * * *":           "beyond end of range",
		"x * * * *":             "minute field: failed to parse int from x",
		"@every 5x":             "failed to parse duration",
		"@sometimes":            "unrecognized descriptor",
		"TZ=UTC 0 * * * *":      "time zone",
		"CRON_TZ=UTC 0 * * * *": "time zone",
		"* * * FOO *":           "month field",
		"*/5 * * * * extra":     "expected exactly 5 fields",
	}
	for expr, want := range bad {
		err := ValidateCron(expr)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", expr, err, want)
		}
	}
}

func testJob() Job {
	return Job{
		Name: "kill-image", Namespace: "akash-services", Schedule: "*/5 * * * *", Image: "ghcr.io/kubectl-akash/kubectl-akash:v1.2.3",
		Args: []string{"leases", "kill-image", "--image=xmrig", "--yes"},
		Rules: []Rule{
			{Namespace: "lease", APIGroups: []string{"akash.network"}, Resources: []string{"manifests"}, Verbs: []string{"list"}},
			{Namespace: "akash-services", APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"list"}},
			{Namespace: "akash-services", APIGroups: []string{""}, Resources: []string{"pods/exec"}, Verbs: []string{"create", "get"}},
		},
	}
}

func TestObjects(t *testing.T) {
	objs, err := testJob().Objects()
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, o := range objs {
		kinds = append(kinds, o.GetKind()+"/"+o.GetNamespace()+"/"+o.GetName())
		if _, has := o.Object["status"]; has {
			t.Errorf("%s has a status", o.GetKind())
		}
		if _, has := o.Object["metadata"].(map[string]any)["creationTimestamp"]; has {
			t.Errorf("%s has a creationTimestamp", o.GetKind())
		}
	}
	want := "[ServiceAccount/akash-services/kubectl-akash-kill-image Role/akash-services/kubectl-akash-kill-image RoleBinding/akash-services/kubectl-akash-kill-image Role/lease/kubectl-akash-kill-image RoleBinding/lease/kubectl-akash-kill-image CronJob/akash-services/kubectl-akash-kill-image]"
	if got := strings.Join(strings.Fields(strings.Trim(strings.Join(kinds, " "), "[]")), " "); "["+got+"]" != want {
		t.Fatalf("objects\n got [%s]\nwant %s", got, want)
	}
	cj := objs[len(objs)-1].Object
	spec := cj["spec"].(map[string]any)
	if spec["concurrencyPolicy"] != "Forbid" || spec["schedule"] != "*/5 * * * *" {
		t.Fatalf("cronjob spec %v", spec)
	}
	pod := spec["jobTemplate"].(map[string]any)["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
	c := pod["containers"].([]any)[0].(map[string]any)
	if pod["serviceAccountName"] != "kubectl-akash-kill-image" || c["image"] != "ghcr.io/kubectl-akash/kubectl-akash:v1.2.3" ||
		strings.Join(toStrings(c["command"]), " ") != "kubectl-akash" || strings.Join(toStrings(c["args"]), " ") != "leases kill-image --image=xmrig --yes" {
		t.Fatalf("pod spec %v", pod)
	}

	var y bytes.Buffer
	if err := Print(&y, objs, ""); err != nil {
		t.Fatal(err)
	}
	if strings.Count(y.String(), "\n---\n") != len(objs)-1 || strings.Contains(y.String(), "null") {
		t.Fatalf("yaml stream:\n%s", y.String())
	}
	for _, doc := range strings.Split(y.String(), "\n---\n") {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil || m["kind"] == nil {
			t.Fatalf("doc %q: %v", doc, err)
		}
	}
	var j bytes.Buffer
	if err := Print(&j, objs, "json"); err != nil {
		t.Fatal(err)
	}
	var list struct {
		Kind  string `json:"kind"`
		Items []any  `json:"items"`
	}
	if err := json.Unmarshal(j.Bytes(), &list); err != nil || list.Kind != "List" || len(list.Items) != len(objs) {
		t.Fatalf("json list: %v %s", err, j.String())
	}
	if err := Print(&j, objs, "wide"); err == nil || !strings.Contains(err.Error(), "use -o yaml (the default) or -o json") {
		t.Fatalf("-o wide: %v", err)
	}
}

func TestJobValidate(t *testing.T) {
	j := testJob()
	j.Args = []string{"leases", "kill-image"}
	if _, err := j.Objects(); err == nil || !strings.Contains(err.Error(), "--yes") {
		t.Fatalf("a job without --yes would refuse to act: %v", err)
	}
	j = testJob()
	j.Schedule = "every 5 minutes"
	if _, err := j.Objects(); err == nil || !strings.Contains(err.Error(), "expected exactly 5 fields") {
		t.Fatal(err)
	}
	j = testJob()
	j.Rules = append(j.Rules, Rule{APIGroups: []string{"apps"}, Resources: []string{"replicasets"}, Verbs: []string{"delete"}})
	objs, err := j.Objects()
	if err != nil || objs[1].GetKind() != "ClusterRole" || objs[2].GetKind() != "ClusterRoleBinding" {
		t.Fatalf("cluster-wide rules make a ClusterRole: %v", err)
	}
	if DefaultImage() == "" || !strings.HasPrefix(DefaultImage(), ImageRepository+":") {
		t.Fatal(DefaultImage())
	}
}

func toStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}
