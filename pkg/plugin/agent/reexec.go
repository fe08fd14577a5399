package agent

// Reexec is the command line with which a command running on a node starts
// the command name again, as a process of its own: exe (this program's
// path), the host root and /proc of env, and opts as --options. A node step
// that must outlive its own process (a static-pod restart's guardian)
// starts itself with it.
func Reexec(exe string, env Env, name string, opts any) []string {
	argv := Argv(name, opts)
	// Argv's last word is the options; the roots are this process's.
	return []string{exe, Verb, name, "--host-root=" + env.HostRoot, "--proc-root=" + env.ProcRoot, argv[len(argv)-1]}
}
