package output

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/printers"
	"k8s.io/kubectl/pkg/cmd/get"
)

// Flags are the output flags every command shares: -o, --no-headers,
// --show-managed-fields-style template flags from cli-runtime, and --jq.
type Flags struct {
	// Print holds -o and the json/yaml/name/template flags of cli-runtime.
	PrintFlags *genericclioptions.PrintFlags
	// Columns handles -o custom-columns=... (kubectl's own implementation).
	Columns *get.CustomColumnsPrintFlags
	// NoHeaders drops table headers (table, wide and custom-columns).
	NoHeaders bool
	// JQExpr is the --jq program; it implies JSON data.
	JQExpr string
	// JQExample is the --jq program the flag's help shows, one that fits
	// the command's own output (default: the names of a list's items).
	JQExample string
	// SortBy is --sort-by, a JSONPath over the result objects; offered when
	// Sortable is set before AddFlags (tables whose rows carry their objects).
	SortBy   string
	Sortable bool
	// ShowLabels is --show-labels, a LABELS column; offered when Labelled is
	// set before AddFlags (result objects that have labels).
	ShowLabels bool
	Labelled   bool

	jq      *JQ
	printer printers.ResourcePrinter
	sorter  *Sorter
	// envelope is set by -o EnvelopeFormat (a fleet run's context).
	envelope bool
}

// NewFlags returns the output flags with kubectl's defaults.
func NewFlags() *Flags {
	return &Flags{
		PrintFlags: genericclioptions.NewPrintFlags(""),
		Columns:    get.NewCustomColumnsPrintFlags(),
	}
}

// AddFlags binds the flags to cmd.
func (f *Flags) AddFlags(cmd *cobra.Command) {
	f.PrintFlags.AddFlags(cmd)
	// cli-runtime's help lists only its own formats; name them all.
	cmd.Flags().Lookup("output").Usage = "Output format. One of: (" + strings.Join(f.AllowedFormats(), ", ") + ")."
	cmd.Flags().BoolVar(&f.NoHeaders, "no-headers", false, "When using the default, wide or custom-columns output format, don't print headers.")
	example := f.JQExample
	if example == "" {
		example = ".items[].metadata.name"
	}
	cmd.Flags().StringVar(&f.JQExpr, "jq", "", "Filter the JSON output with a jq expression (gojq), e.g. --jq '"+example+"'. Strings are printed raw.")
	if f.Sortable {
		cmd.Flags().StringVar(&f.SortBy, "sort-by", "", "Sort the objects by this JSONPath, as kubectl does (e.g. '{.metadata.creationTimestamp}'); numbers, times and text compare as such.")
	}
	if f.Labelled {
		cmd.Flags().BoolVar(&f.ShowLabels, "show-labels", false, "When printing a table, show all labels as the last column.")
	}
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return f.AllowedFormats(), cobra.ShellCompDirectiveNoFileComp
	})
}

// AllowedFormats lists every -o value.
func (f *Flags) AllowedFormats() []string {
	formats := append([]string{"wide"}, f.PrintFlags.AllowedFormats()...)
	formats = append(formats, f.Columns.AllowedFormats()...)
	sort.Strings(formats)
	return formats
}

// Format is the -o value ("" = the default table).
func (f *Flags) Format() string {
	if f.PrintFlags.OutputFormat == nil {
		return ""
	}
	return *f.PrintFlags.OutputFormat
}

// Human reports whether output is a table meant for people (default or wide).
// Commands print plans and progress differently when stdout is for machines.
func (f *Flags) Human() bool {
	return f.jq == nil && (f.Format() == "" || f.Format() == "wide")
}

// Validate checks -o and --jq before any work is done, so that a typo costs
// no API call. It compiles the jq program and builds the printer once.
func (f *Flags) Validate() error {
	if f.SortBy != "" {
		s, err := NewSorter(f.SortBy)
		if err != nil {
			return err
		}
		f.sorter = s
	}
	format := f.Format()
	if f.JQExpr != "" {
		if format != "" && format != "json" {
			return fmt.Errorf("--jq filters JSON output and cannot be combined with -o %s: drop -o or use -o json", format)
		}
		jq, err := CompileJQ(f.JQExpr)
		if err != nil {
			return err
		}
		f.jq = jq
		return nil
	}
	if format == "" || format == "wide" {
		return nil
	}
	if format == EnvelopeFormat {
		f.envelope = true
		return nil
	}
	if p, err := f.PrintFlags.ToPrinter(); err == nil {
		f.printer = p
		return nil
	} else if !genericclioptions.IsNoCompatiblePrinterError(err) {
		return fmt.Errorf("-o %s: %w", format, err)
	}
	f.Columns.NoHeaders = f.NoHeaders
	p, err := f.Columns.ToPrinter(format)
	if genericclioptions.IsNoCompatiblePrinterError(err) {
		return fmt.Errorf("unknown output format %q: use one of %s", format, strings.Join(f.AllowedFormats(), ", "))
	}
	if err != nil {
		return fmt.Errorf("-o %s: %w", format, err)
	}
	f.printer = p
	return nil
}
