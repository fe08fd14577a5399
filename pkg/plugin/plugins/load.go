package plugins

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/itchyny/gojq"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/configfile"
)

// APIVersion is the format version a plugins file may declare.
const APIVersion = "kubectl-akash.akash.network/v1alpha1"

// Kind is the kind a plugins file may declare.
const Kind = "Plugins"

// Scope says which namespace a resource is read from.
type Scope string

// Scopes of a resource.
const (
	ScopeAll       Scope = "all"       // every namespace, or -n when given
	ScopeLease     Scope = "lease"     // --lease-namespace (Manifests, ProviderHosts, ...)
	ScopeProvider  Scope = "provider"  // --provider-namespace (akash-provider, helm releases)
	ScopeNamespace Scope = "namespace" // the entry's own namespace field
)

// Entry is one validated plugins.yaml entry: one command.
type Entry struct {
	Name      string
	Short     string
	Long      string
	Example   string
	Kind      string
	Resources []Resource
	JQ        string
	Columns   []Column
	// Source is the file the entry came from ("plugins.yaml (built in)" for
	// the embedded one), and Index its position under plugins:.
	Source string
	Index  int

	code *gojq.Code
}

// Resource is one LIST an entry makes, bound to the jq variable $Var.
type Resource struct {
	Var           string
	Resource      string
	Scope         Scope
	Namespace     string
	LabelSelector string
	FieldSelector string
}

// Column is one table column: a jq path evaluated on each row.
type Column struct {
	Name string
	Path string
	Wide bool

	code *gojq.Code
}

// Problem is one thing wrong with a plugins file. Entry is "" for problems of
// the whole file.
type Problem struct {
	File  string
	Entry string
	Index int
	Field string
	Msg   string
}

func (p Problem) Error() string {
	return configfile.Problem(p.File, "plugin", "plugins", p.Entry, p.Index, p.Field, p.Msg)
}

// Reserved variables every program sees besides the resources' own.
var reservedVars = []string{"leaseNamespace", "providerNamespace", "now"}

var (
	entryKeys    = []string{"name", "short", "long", "example", "kind", "resources", "jq", "columns"}
	resourceKeys = []string{"var", "resource", "scope", "namespace", "labelSelector", "fieldSelector"}
	columnKeys   = []string{"name", "path", "wide"}
	fileKeys     = []string{"apiVersion", "kind", "plugins"}

	namePattern   = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	varPattern    = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	kindPattern   = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	columnPattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_ ()./%-]*$`)
	// resourcePattern accepts what kubectl accepts as a resource name:
	// resource, resource.group, resource.version.group, short names.
	resourcePattern = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
)

// Parse reads a plugins file. It returns the valid entries and a problem for
// every invalid one (which is left out); a file that is not YAML, or whose
// top level is wrong, yields no entries. reserved holds the names of built-in
// commands (and their aliases), which entries may not take.
func Parse(file string, data []byte, reserved map[string]bool) ([]*Entry, []Problem) {
	fileProblem := func(field, format string, args ...any) []Problem {
		return []Problem{{File: file, Index: -1, Field: field, Msg: fmt.Sprintf(format, args...)}}
	}
	top, err := configfile.Decode(data)
	if err != nil {
		return nil, fileProblem("", "not valid YAML: %v", err)
	}
	if top == nil {
		return nil, nil // an empty file declares nothing
	}
	doc, ok := top.(map[string]any)
	if !ok {
		return nil, fileProblem("", "want a mapping with a plugins: list at the top, got %s", configfile.TypeName(top))
	}
	if k := unknownKey(doc, fileKeys); k != "" {
		return nil, fileProblem(k, "unknown key (known: %s)", strings.Join(fileKeys, ", "))
	}
	if v, ok := doc["apiVersion"]; ok && v != APIVersion {
		return nil, fileProblem("apiVersion", "want %q, got %v", APIVersion, v)
	}
	if v, ok := doc["kind"]; ok && v != Kind {
		return nil, fileProblem("kind", "want %q, got %v", Kind, v)
	}
	list, ok := doc["plugins"].([]any)
	if !ok && doc["plugins"] != nil {
		return nil, fileProblem("plugins", "want a list of entries, got %s", configfile.TypeName(doc["plugins"]))
	}

	var entries []*Entry
	var problems []Problem
	seen := map[string]int{}
	for i, item := range list {
		e, errs := parseEntry(file, i, item, reserved)
		if len(errs) > 0 {
			problems = append(problems, errs...)
			continue
		}
		if first, dup := seen[e.Name]; dup {
			problems = append(problems, Problem{File: file, Entry: e.Name, Index: i, Field: "name",
				Msg: fmt.Sprintf("duplicate name: plugins[%d] already defines %q", first, e.Name)})
			continue
		}
		seen[e.Name] = i
		entries = append(entries, e)
	}
	return entries, problems
}

// parseEntry validates one entry; every problem names its field.
func parseEntry(file string, index int, item any, reserved map[string]bool) (*Entry, []Problem) {
	e := &Entry{Source: file, Index: index}
	var problems []Problem
	bad := func(field, format string, args ...any) {
		problems = append(problems, Problem{File: file, Entry: e.Name, Index: index, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	m, ok := item.(map[string]any)
	if !ok {
		bad("", "want a mapping, got %s", configfile.TypeName(item))
		return nil, problems
	}
	e.Name, _ = m["name"].(string)
	for _, k := range configfile.SortedKeys(m) {
		if !slices.Contains(entryKeys, k) {
			bad(k, "unknown key (known: %s)", strings.Join(entryKeys, ", "))
		}
	}
	switch {
	case m["name"] == nil:
		bad("name", "missing: every entry needs the command name")
	case e.Name == "" || !namePattern.MatchString(e.Name):
		bad("name", "%v is not a command name: use lower-case letters, digits and dashes, starting with a letter", m["name"])
	case reserved[e.Name]:
		bad("name", "%q is a built-in command of kubectl akash: choose another name", e.Name)
	}
	e.Short = str(m, "short", bad)
	if strings.TrimSpace(e.Short) == "" {
		bad("short", "missing: a one-line description for help")
	}
	e.Long = str(m, "long", bad)
	e.Example = str(m, "example", bad)
	e.Kind = str(m, "kind", bad)
	if e.Kind == "" {
		e.Kind = kindFromName(e.Name)
	} else if !kindPattern.MatchString(e.Kind) {
		bad("kind", "%q is not a kind: use CamelCase, e.g. ImagesPerLease", e.Kind)
	}

	vars := map[string]int{}
	resList, ok := m["resources"].([]any)
	if !ok || len(resList) == 0 {
		bad("resources", "want a list of at least one resource to read")
	}
	for i, r := range resList {
		field := fmt.Sprintf("resources[%d]", i)
		res, errs := parseResource(r)
		for _, err := range errs {
			bad(field+err.field, "%s", err.msg)
		}
		if res == nil {
			continue
		}
		if first, dup := vars[res.Var]; dup {
			bad(field+".var", "duplicate variable $%s: resources[%d] already binds it", res.Var, first)
		}
		vars[res.Var] = i
		e.Resources = append(e.Resources, *res)
	}

	e.JQ = str(m, "jq", bad)
	if strings.TrimSpace(e.JQ) == "" {
		bad("jq", "missing: a jq program that turns the resources into rows")
	} else {
		code, err := compile(e.JQ, e.varNames())
		if err != nil {
			bad("jq", "%v", err)
		}
		e.code = code
	}

	cols, ok := m["columns"].([]any)
	if !ok || len(cols) == 0 {
		bad("columns", "want a list of at least one column")
	}
	names := map[string]bool{}
	for i, c := range cols {
		field := fmt.Sprintf("columns[%d]", i)
		col, errs := parseColumn(c)
		for _, err := range errs {
			bad(field+err.field, "%s", err.msg)
		}
		if col == nil {
			continue
		}
		if names[col.Name] {
			bad(field+".name", "duplicate column %q", col.Name)
		}
		names[col.Name] = true
		e.Columns = append(e.Columns, *col)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return e, nil
}

type fieldErr struct{ field, msg string }

func parseResource(item any) (*Resource, []fieldErr) {
	var errs []fieldErr
	bad := func(field, format string, args ...any) {
		errs = append(errs, fieldErr{field, fmt.Sprintf(format, args...)})
	}
	m, ok := item.(map[string]any)
	if !ok {
		return nil, []fieldErr{{"", "want a mapping with resource:, got " + configfile.TypeName(item)}}
	}
	for _, k := range configfile.SortedKeys(m) {
		if !slices.Contains(resourceKeys, k) {
			bad("."+k, "unknown key (known: %s)", strings.Join(resourceKeys, ", "))
		}
	}
	sbad := func(field, format string, args ...any) { bad("."+field, format, args...) }
	r := &Resource{
		Var:           str(m, "var", sbad),
		Resource:      str(m, "resource", sbad),
		Scope:         Scope(str(m, "scope", sbad)),
		Namespace:     str(m, "namespace", sbad),
		LabelSelector: str(m, "labelSelector", sbad),
		FieldSelector: str(m, "fieldSelector", sbad),
	}
	if r.Resource == "" {
		bad(".resource", "missing: a resource name as kubectl takes it (pods, deploy, manifests.akash.network)")
	} else if !resourcePattern.MatchString(r.Resource) {
		bad(".resource", "%q is not a resource name: use kubectl's forms, e.g. pods, deploy, deployments.apps, manifests.v2beta2.akash.network", r.Resource)
	}
	if r.Var == "" {
		r.Var = strings.ReplaceAll(strings.SplitN(r.Resource, ".", 2)[0], "-", "_")
	}
	switch {
	case !varPattern.MatchString(r.Var):
		bad(".var", "%q is not a jq variable name: use letters, digits and _", r.Var)
	case slices.Contains(reservedVars, r.Var):
		bad(".var", "$%s is reserved (reserved: $%s)", r.Var, strings.Join(reservedVars, ", $"))
	}
	if r.Namespace != "" && r.Scope == "" {
		r.Scope = ScopeNamespace
	}
	if r.Scope == "" {
		r.Scope = ScopeAll
	}
	switch r.Scope {
	case ScopeAll, ScopeLease, ScopeProvider:
		if r.Namespace != "" {
			bad(".namespace", "only with scope: namespace (scope is %s)", r.Scope)
		}
	case ScopeNamespace:
		if r.Namespace == "" {
			bad(".namespace", "missing: scope namespace needs a namespace name")
		} else if msgs := validation.IsDNS1123Label(r.Namespace); len(msgs) > 0 {
			bad(".namespace", "%q is not a namespace name: %s", r.Namespace, strings.Join(msgs, "; "))
		}
	default:
		bad(".scope", "%q is not a scope: use all (every namespace, or -n), lease (--lease-namespace), provider (--provider-namespace) or namespace (with namespace:)", r.Scope)
	}
	if _, err := labels.Parse(r.LabelSelector); err != nil {
		bad(".labelSelector", "not a label selector: %v", err)
	}
	if _, err := fields.ParseSelector(r.FieldSelector); err != nil {
		bad(".fieldSelector", "not a field selector: %v", err)
	}
	return r, errs
}

func parseColumn(item any) (*Column, []fieldErr) {
	var errs []fieldErr
	bad := func(field, format string, args ...any) {
		errs = append(errs, fieldErr{field, fmt.Sprintf(format, args...)})
	}
	m, ok := item.(map[string]any)
	if !ok {
		return nil, []fieldErr{{"", "want a mapping with name: and path:, got " + configfile.TypeName(item)}}
	}
	for _, k := range configfile.SortedKeys(m) {
		if !slices.Contains(columnKeys, k) {
			bad("."+k, "unknown key (known: %s)", strings.Join(columnKeys, ", "))
		}
	}
	sbad := func(field, format string, args ...any) { bad("."+field, format, args...) }
	c := &Column{Name: str(m, "name", sbad), Path: str(m, "path", sbad)}
	if w, ok := m["wide"]; ok {
		b, isBool := w.(bool)
		if !isBool {
			bad(".wide", "want true or false, got %v", w)
		}
		c.Wide = b
	}
	if !columnPattern.MatchString(c.Name) {
		bad(".name", "%q is not a column header: use upper case, e.g. NAMESPACE", c.Name)
	}
	if strings.TrimSpace(c.Path) == "" {
		bad(".path", "missing: a jq path into the row, e.g. .namespace")
	} else {
		code, err := compile(c.Path, nil)
		if err != nil {
			bad(".path", "%v", err)
		}
		c.code = code
	}
	return c, errs
}

// varNames are the variables an entry's program sees, in binding order.
func (e *Entry) varNames() []string {
	names := make([]string, 0, len(e.Resources)+len(reservedVars))
	for _, r := range e.Resources {
		names = append(names, "$"+r.Var)
	}
	for _, v := range reservedVars {
		names = append(names, "$"+v)
	}
	return names
}

// compile parses and compiles a jq program with the given variables, and
// describes an error with its position.
func compile(expr string, vars []string) (*gojq.Code, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		var perr *gojq.ParseError
		if errors.As(err, &perr) {
			line, col := position(expr, perr.Offset-len(perr.Token))
			return nil, fmt.Errorf("jq does not parse at line %d, column %d: %v", line, col, err)
		}
		return nil, fmt.Errorf("jq does not parse: %v", err)
	}
	code, err := gojq.Compile(q, gojq.WithVariables(vars))
	if err != nil {
		return nil, fmt.Errorf("jq does not compile: %v", err)
	}
	return code, nil
}

// position turns a byte offset into a 1-based line and column.
func position(s string, offset int) (int, int) {
	if offset < 0 {
		offset = 0
	}
	if offset > len(s) {
		offset = len(s)
	}
	line := 1 + strings.Count(s[:offset], "\n")
	return line, offset - (strings.LastIndex(s[:offset], "\n") + 1) + 1
}

// kindFromName turns images-per-lease into ImagesPerLease.
func kindFromName(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// str reads an optional string field, reporting a non-string value.
func str(m map[string]any, key string, bad func(field, format string, args ...any)) string {
	v, ok := m[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		bad(key, "want a string, got %s", configfile.TypeName(v))
	}
	return s
}

func unknownKey(m map[string]any, known []string) string {
	for _, k := range configfile.SortedKeys(m) {
		if !slices.Contains(known, k) {
			return k
		}
	}
	return ""
}

// Merge returns base with every entry of over added, an entry of over
// replacing the base entry of the same name (a user file overrides the
// built-in entries), sorted by name.
func Merge(base, over []*Entry) []*Entry {
	byName := map[string]*Entry{}
	for _, e := range base {
		byName[e.Name] = e
	}
	for _, e := range over {
		byName[e.Name] = e
	}
	out := make([]*Entry, 0, len(byName))
	for _, e := range byName {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
