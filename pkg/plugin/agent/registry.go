package agent

import (
	"fmt"
	"sort"
	"sync"
)

var (
	mu       sync.Mutex
	commands = map[string]Declared{}
)

// Register adds commands to the agent, from the init of the package that
// declares them. Two commands of one name are a bug: Register panics.
func Register(cs ...Declared) {
	mu.Lock()
	defer mu.Unlock()
	for _, c := range cs {
		name := c.Info().Name
		if name == "" {
			panic("agent.Register: a command without a name")
		}
		if _, dup := commands[name]; dup {
			panic(fmt.Sprintf("agent.Register: %q is registered twice", name))
		}
		commands[name] = c
	}
}

// Commands are the registered commands, by name.
func Commands() []Declared {
	mu.Lock()
	defer mu.Unlock()
	out := make([]Declared, 0, len(commands))
	for _, c := range commands {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Info().Name < out[j].Info().Name })
	return out
}
