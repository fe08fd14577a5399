package fleet

import (
	"strings"
	"testing"
)

func TestSelect(t *testing.T) {
	known := []string{"dev", "eu-prod", "minikube", "us-prod", "us-staging"}
	for _, c := range []struct {
		patterns []string
		want     string // comma-joined, or the error's start
		err      bool
	}{
		{nil, "dev,eu-prod,minikube,us-prod,us-staging", false},
		{[]string{"minikube"}, "minikube", false},
		{[]string{"us-prod", "dev"}, "us-prod,dev", false}, // the order given
		{[]string{"/-prod$/"}, "eu-prod,us-prod", false},   // the kubeconfig's order
		{[]string{"/-prod$/", "minikube"}, "eu-prod,us-prod,minikube", false},
		{[]string{"/^us-/", "^us-staging"}, "us-prod", false},
		{[]string{"^dev"}, "eu-prod,minikube,us-prod,us-staging", false}, // only exclusions: from all
		{[]string{"^/prod|staging/"}, "dev,minikube", false},
		{[]string{"dev", "dev", "/dev/"}, "dev", false}, // no context twice
		{[]string{"gone"}, "gone", false},               // reported by its run
		{[]string{"arn:aws:eks:eu-west-1:1:cluster/prod"}, "arn:aws:eks:eu-west-1:1:cluster/prod", false},
		{[]string{"/nomatch/"}, "--contexts /nomatch/ selects no context (the kubeconfig has: dev, eu-prod,", true},
		{[]string{"dev", "^dev"}, "--contexts dev,^dev selects no context", true},
		{[]string{""}, `--contexts "": want a context name, /regex/, ^name or ^/regex/`, true},
		{[]string{"^"}, `--contexts "^": want a context name`, true},
		{[]string{"//"}, `--contexts "//": the regular expression between the slashes is empty`, true},
		{[]string{"/prod"}, `--contexts "/prod": a regular expression is written /PATTERN/, with both slashes`, true},
		{[]string{"/(/"}, `--contexts "/(/" is not a valid regular expression`, true},
	} {
		got, err := Select(known, c.patterns)
		if c.err {
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("Select(%q): error %v, want one starting %q", c.patterns, err, c.want)
			}
			continue
		}
		if err != nil || strings.Join(got, ",") != c.want {
			t.Errorf("Select(%q) = %q, %v; want %s", c.patterns, got, err, c.want)
		}
	}
	if _, err := Select(nil, nil); err == nil || !strings.Contains(err.Error(), "the kubeconfig has: none") {
		t.Errorf("no contexts at all: %v", err)
	}
}
