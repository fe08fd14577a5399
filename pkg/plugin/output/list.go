package output

import (
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
)

// ListFlags are kubectl's flags of commands that LIST: -l/--selector,
// --field-selector and --chunk-size. Each command says which it offers;
// they are bound here once, with one wording and one validation.
type ListFlags struct {
	Selector      string
	FieldSelector string
	ChunkSize     int64

	// LabelSelector and Fields are the parsed selectors (Everything when
	// not given); Validate sets them.
	LabelSelector labels.Selector
	Fields        fields.Selector
}

// ListFlag names one of the flags of ListFlags.
type ListFlag int

// The flags a command can offer.
const (
	SelectorFlag ListFlag = iota
	FieldSelectorFlag
	ChunkSizeFlag
)

// NewListFlags returns the flags unset.
func NewListFlags() *ListFlags {
	return &ListFlags{LabelSelector: labels.Everything(), Fields: fields.Everything()}
}

// AddFlags binds the flags the command offers; selects names what they
// select ("leases", "objects read"). A plugin command ANDs -l and
// --field-selector to the selectors of each resource it reads.
func (l *ListFlags) AddFlags(cmd *cobra.Command, selects string, which ...ListFlag) {
	fs := cmd.Flags()
	for _, f := range which {
		switch f {
		case SelectorFlag:
			fs.StringVarP(&l.Selector, "selector", "l", "", "Only "+selects+" that match this label selector (e.g. key1=value1,key2!=value2, key in (a,b)).")
		case FieldSelectorFlag:
			fs.StringVar(&l.FieldSelector, "field-selector", "", "Only "+selects+" that match this field selector (e.g. metadata.name=x,metadata.namespace!=y); = == and != are supported.")
		case ChunkSizeFlag:
			AddChunkSizeFlag(cmd, &l.ChunkSize)
		}
	}
}

// AddChunkSizeFlag binds --chunk-size to v, for commands whose only list
// flag it is.
func AddChunkSizeFlag(cmd *cobra.Command, v *int64) {
	cmd.Flags().Int64Var(v, "chunk-size", 0, "Page LIST requests this many objects at a time (0: one request per resource type).")
}

// ValidateChunkSize checks a --chunk-size value.
func ValidateChunkSize(n int64) error {
	if n < 0 {
		return fmt.Errorf("--chunk-size must be 0 or positive, got %d", n)
	}
	return nil
}

// Validate parses the selectors and checks --chunk-size, before any I/O.
func (l *ListFlags) Validate() error {
	sel, err := labels.Parse(l.Selector)
	if err != nil {
		return fmt.Errorf("-l/--selector %q is not a label selector: %v", l.Selector, err)
	}
	fsel, err := fields.ParseSelector(l.FieldSelector)
	if err != nil {
		return fmt.Errorf("--field-selector %q is not a field selector: %v", l.FieldSelector, err)
	}
	l.LabelSelector, l.Fields = sel, fsel
	return ValidateChunkSize(l.ChunkSize)
}
