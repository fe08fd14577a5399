package fleet

import (
	"fmt"
	"net/url"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/configfile"
)

// APIVersion and Kind a config file may declare.
const (
	APIVersion = "kubectl-akash.akash.network/v1alpha1"
	Kind       = "Config"
)

// Setting is one per-context setting: the config key and the command-line
// flag it stands for. A setting is passed to a context's command only when
// that command has the flag and the operator did not give it on the
// command line (the command line wins, as with kubectl's own flags).
type Setting struct {
	Key  string
	Flag string
	// check validates a value; nil accepts any non-empty string.
	check func(string) string
}

// Settings are the keys a fleet's context entry may carry besides context.
var Settings = []Setting{
	{Key: "leaseNamespace", Flag: "lease-namespace", check: namespaceName},
	{Key: "providerNamespace", Flag: "provider-namespace", check: namespaceName},
	{Key: "api", Flag: "api", check: apiURL},
	{Key: "viaCLI", Flag: "via-cli"},
	{Key: "chainNode", Flag: "chain-node"},
	{Key: "chainID", Flag: "chain-id"},
	{Key: "cliContext", Flag: "cli-context"},
	{Key: "from", Flag: "from"},
	{Key: "keyringBackend", Flag: "keyring-backend"},
}

// Member is one context of a run with the settings it has.
type Member struct {
	Context string
	// Flags maps a flag name to its value (see Setting).
	Flags map[string]string
}

// Fleet is one named fleet of the config file.
type Fleet struct {
	Name    string
	Members []Member
	Index   int
}

// Config is a loaded config file.
type Config struct {
	File   string
	Fleets []Fleet
}

// Fleet returns the fleet called name.
func (c *Config) Fleet(name string) (Fleet, bool) {
	for _, f := range c.Fleets {
		if f.Name == name {
			return f, true
		}
	}
	return Fleet{}, false
}

// Names lists the fleets.
func (c *Config) Names() []string {
	var out []string
	for _, f := range c.Fleets {
		out = append(out, f.Name)
	}
	return out
}

// Problem is one thing wrong with a config file, named like a plugins.yaml
// problem: the file, the fleet (and its index), the field.
type Problem struct {
	File  string
	Fleet string
	Index int // -1: the whole file
	Field string
	Msg   string
}

func (p Problem) Error() string {
	return configfile.Problem(p.File, "fleet", "fleets", p.Fleet, p.Index, p.Field, p.Msg)
}

// DefaultPath is $XDG_CONFIG_HOME/kubectl-akash/config.yaml.
func DefaultPath() string { return configfile.Path("config.yaml") }

var (
	fileKeys    = []string{"apiVersion", "kind", "fleets"}
	fleetKeys   = []string{"name", "contexts"}
	contextKeys = func() []string {
		keys := []string{"context"}
		for _, s := range Settings {
			keys = append(keys, s.Key)
		}
		return keys
	}()
)

// Parse reads a config file. A fleet with a problem is left out and every
// problem is returned; a file whose top level is wrong yields no fleet.
func Parse(file string, data []byte) (*Config, []Problem) {
	cfg := &Config{File: file}
	fileProblem := func(field, format string, args ...any) (*Config, []Problem) {
		return cfg, []Problem{{File: file, Index: -1, Field: field, Msg: fmt.Sprintf(format, args...)}}
	}
	top, err := configfile.Decode(data)
	if err != nil {
		return fileProblem("", "not valid YAML: %v", err)
	}
	if top == nil {
		return cfg, nil
	}
	doc, ok := top.(map[string]any)
	if !ok {
		return fileProblem("", "want a mapping with a fleets: list at the top, got %s", configfile.TypeName(top))
	}
	if unknown := configfile.UnknownKeys(doc, fileKeys); len(unknown) > 0 {
		return fileProblem(unknown[0], "unknown key (known: %s)", strings.Join(fileKeys, ", "))
	}
	if v, ok := doc["apiVersion"]; ok && v != APIVersion {
		return fileProblem("apiVersion", "want %q, got %v", APIVersion, v)
	}
	if v, ok := doc["kind"]; ok && v != Kind {
		return fileProblem("kind", "want %q, got %v", Kind, v)
	}
	list, ok := doc["fleets"].([]any)
	if !ok && doc["fleets"] != nil {
		return fileProblem("fleets", "want a list of fleets, got %s", configfile.TypeName(doc["fleets"]))
	}
	var problems []Problem
	seen := map[string]int{}
	for i, item := range list {
		f, errs := parseFleet(file, i, item)
		if len(errs) == 0 {
			if first, dup := seen[f.Name]; dup {
				errs = append(errs, Problem{File: file, Fleet: f.Name, Index: i, Field: "name",
					Msg: fmt.Sprintf("duplicate name: fleets[%d] already defines %q", first, f.Name)})
			}
		}
		if len(errs) > 0 {
			problems = append(problems, errs...)
			continue
		}
		seen[f.Name] = i
		cfg.Fleets = append(cfg.Fleets, f)
	}
	return cfg, problems
}

// parseFleet validates one fleet; every problem names its field.
func parseFleet(file string, index int, item any) (Fleet, []Problem) {
	f := Fleet{Index: index}
	var problems []Problem
	bad := func(field, format string, args ...any) {
		problems = append(problems, Problem{File: file, Fleet: f.Name, Index: index, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	m, ok := item.(map[string]any)
	if !ok {
		bad("", "want a mapping with name: and contexts:, got %s", configfile.TypeName(item))
		return f, problems
	}
	f.Name, _ = m["name"].(string)
	for _, k := range configfile.UnknownKeys(m, fleetKeys) {
		bad(k, "unknown key (known: %s)", strings.Join(fleetKeys, ", "))
	}
	switch {
	case m["name"] == nil:
		bad("name", "missing: every fleet needs the name --fleet takes")
	case f.Name == "" || len(validation.IsDNS1123Label(f.Name)) > 0:
		bad("name", "%v is not a fleet name: use lower-case letters, digits and dashes", m["name"])
	}
	list, ok := m["contexts"].([]any)
	if !ok || len(list) == 0 {
		bad("contexts", "want a list of at least one kubeconfig context")
	}
	seen := map[string]int{}
	for i, c := range list {
		field := fmt.Sprintf("contexts[%d]", i)
		member, errs := parseMember(c)
		for _, e := range errs {
			bad(field+e.field, "%s", e.msg)
		}
		if member.Context == "" {
			continue
		}
		if first, dup := seen[member.Context]; dup {
			bad(field+".context", "duplicate context %q: contexts[%d] already names it", member.Context, first)
		}
		seen[member.Context] = i
		f.Members = append(f.Members, member)
	}
	return f, problems
}

type fieldErr struct{ field, msg string }

// parseMember reads a context entry: a bare context name, or a mapping of
// context: and settings.
func parseMember(item any) (Member, []fieldErr) {
	m := Member{Flags: map[string]string{}}
	if s, ok := item.(string); ok {
		if s == "" {
			return m, []fieldErr{{"", "an empty context name"}}
		}
		m.Context = s
		return m, nil
	}
	mm, ok := item.(map[string]any)
	if !ok {
		return m, []fieldErr{{"", "want a context name or a mapping with context:, got " + configfile.TypeName(item)}}
	}
	var errs []fieldErr
	for _, k := range configfile.UnknownKeys(mm, contextKeys) {
		errs = append(errs, fieldErr{"." + k, "unknown key (known: " + strings.Join(contextKeys, ", ") + ")"})
	}
	switch v := mm["context"].(type) {
	case nil:
		errs = append(errs, fieldErr{".context", "missing: the kubeconfig context's name"})
	case string:
		if v == "" {
			errs = append(errs, fieldErr{".context", "an empty context name"})
		}
		m.Context = v
	default:
		errs = append(errs, fieldErr{".context", "want a string, got " + configfile.TypeName(v)})
	}
	for _, s := range Settings {
		v, present := mm[s.Key]
		if !present {
			continue
		}
		str, ok := v.(string)
		switch {
		case !ok:
			errs = append(errs, fieldErr{"." + s.Key, "want a string, got " + configfile.TypeName(v)})
		case str == "":
			errs = append(errs, fieldErr{"." + s.Key, "empty: leave the key out for the --" + s.Flag + " default"})
		case s.check != nil && s.check(str) != "":
			errs = append(errs, fieldErr{"." + s.Key, s.check(str)})
		default:
			m.Flags[s.Flag] = str
		}
	}
	return m, errs
}

func namespaceName(s string) string {
	if msgs := validation.IsDNS1123Label(s); len(msgs) > 0 {
		return fmt.Sprintf("%q is not a namespace name: %s", s, strings.Join(msgs, "; "))
	}
	return ""
}

func apiURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Sprintf("%q is not a chain REST API address: want https://host[:port]", s)
	}
	return ""
}
