// Package usage formats kubectl akash's help: long descriptions and examples
// kept as written, and the usage text that lists a command's own flags and
// leaves the root's persistent flags to the options command, as kubectl does.
package usage

import (
	"fmt"
	"io"
	"strings"

	"github.com/MakeNowJust/heredoc"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/kubectl/pkg/util/templates"
)

// GroupAnnotation marks a command made runnable only to act as a group (it
// prints its help, or refuses an unknown subcommand): its usage line is
// still only "[command]".
const GroupAnnotation = "kubectl-akash/group"

// LongDesc dedents and trims a command's long description and keeps the
// rest as written. kubectl's templates.LongDesc renders markdown, which
// eats what help text is made of here: `*` in price_target_*, <placeholder>
// as HTML, backticks, indented lines as code blocks.
func LongDesc(s string) string {
	if s == "" {
		return s
	}
	return strings.TrimSpace(heredoc.Doc(s))
}

// Examples indents a command's examples as kubectl does (no markdown is
// involved there).
func Examples(s string) string { return templates.Examples(s) }

// Write writes c's usage: usage lines, aliases, examples, subcommands by
// group, its flags and its groups' persistent flags, but not root's
// persistent flags, which `<root> <optionsCmd>` lists once.
func Write(w io.Writer, root, c *cobra.Command, optionsCmd string) {
	fmt.Fprint(w, "Usage:")
	if c.Runnable() && c.Annotations[GroupAnnotation] == "" {
		line := c.UseLine()
		if c != root {
			line += " [options]"
		}
		fmt.Fprintf(w, "\n  %s", line)
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(w, "\n  %s [command]", c.CommandPath())
	}
	if len(c.Aliases) > 0 {
		fmt.Fprintf(w, "\n\nAliases:\n  %s", c.NameAndAliases())
	}
	if c.HasExample() {
		fmt.Fprintf(w, "\n\nExamples:\n%s", c.Example)
	}
	if c.HasAvailableSubCommands() {
		writeSubcommands(w, c)
	}
	if fs := visibleFlags(c.LocalNonPersistentFlags(), c.PersistentFlags(), root); fs != "" {
		fmt.Fprintf(w, "\n\nFlags:\n%s", fs)
	}
	if c != root {
		if fs := visibleFlags(c.InheritedFlags(), nil, root); fs != "" {
			fmt.Fprintf(w, "\n\nFlags of %s:\n%s", groupPath(c), fs)
		}
	}
	fmt.Fprintln(w)
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(w, "\nUse \"%s [command] --help\" for more information about a command.", c.CommandPath())
	}
	fmt.Fprintf(w, "\nUse \"%s %s\" for a list of global command-line options (applies to all commands).\n", root.DisplayName(), optionsCmd)
}

// writeSubcommands lists c's available subcommands (and help) under their
// group's title, then the rest under one more title.
func writeSubcommands(w io.Writer, c *cobra.Command) {
	printed := map[*cobra.Command]bool{}
	section := func(title string, match func(*cobra.Command) bool) {
		var lines []string
		for _, s := range c.Commands() {
			if printed[s] || !match(s) || !(s.IsAvailableCommand() || s.Name() == "help") {
				continue
			}
			printed[s] = true
			lines = append(lines, fmt.Sprintf("  %-*s %s", s.NamePadding(), s.Name(), s.Short))
		}
		if len(lines) > 0 {
			fmt.Fprintf(w, "\n\n%s\n%s", title, strings.Join(lines, "\n"))
		}
	}
	for _, gr := range c.Groups() {
		id := gr.ID
		section(gr.Title, func(s *cobra.Command) bool { return s.GroupID == id })
	}
	title := "Available Commands:"
	if len(c.Groups()) > 0 {
		title = "Additional Commands:"
	}
	section(title, func(*cobra.Command) bool { return true })
}

// groupPath names the group commands whose persistent flags c inherits.
func groupPath(c *cobra.Command) string {
	var names []string
	for p := c.Parent(); p != nil && p.HasParent(); p = p.Parent() {
		if p.HasAvailablePersistentFlags() {
			names = append([]string{p.CommandPath()}, names...)
		}
	}
	return strings.Join(names, ", ")
}

// visibleFlags renders the flags of a and b that are not hidden and not
// the root's own persistent flags ("" if none).
func visibleFlags(a, b *pflag.FlagSet, root *cobra.Command) string {
	out := pflag.NewFlagSet("usage", pflag.ContinueOnError)
	out.SortFlags = true
	add := func(fs *pflag.FlagSet) {
		if fs == nil {
			return
		}
		fs.VisitAll(func(f *pflag.Flag) {
			if f.Hidden || root.PersistentFlags().Lookup(f.Name) == f || out.Lookup(f.Name) != nil {
				return
			}
			out.AddFlag(f)
		})
	}
	add(a)
	add(b)
	return strings.TrimRight(out.FlagUsages(), " \n")
}
