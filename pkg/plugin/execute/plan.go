package execute

import "fmt"

// Group is the ordered actions of one subject (a lease, a node, a
// Deployment, a backup). Its actions run in order, and the first one that
// fails stops the rest of the group: they are Skipped, never attempted on
// top of a half-done subject. Other groups go on.
type Group struct {
	// Subject names what the group acts on, for messages: "lease
	// akash1.../123/1/1", "node cp-1", "deployment ns/web".
	Subject string
	Actions []*Action
	// Gate: when any action of this group does not succeed, no later group
	// runs (a backup that must exist before anything is deleted).
	Gate bool
	// When, if set, is asked right before the group would run, with the
	// outcomes so far: false skips the whole group with the reason (a
	// provider restart that only makes sense after a patch landed).
	When func() (run bool, why string)
}

// Plan is every group of a run, in the order they are applied.
type Plan struct {
	Groups []*Group
}

// Add appends a group of actions for subject and returns it.
func (p *Plan) Add(subject string, actions ...*Action) *Group {
	g := &Group{Subject: subject, Actions: actions}
	p.Groups = append(p.Groups, g)
	return g
}

// Actions returns every action of the plan, in order.
func (p *Plan) Actions() []*Action {
	var out []*Action
	for _, g := range p.Groups {
		out = append(out, g.Actions...)
	}
	return out
}

// Subjects counts the groups that still have something to do, the number
// a blast-radius cap is checked against. Gates (backups) do not count.
func (p *Plan) Subjects() int {
	n := 0
	for _, g := range p.Groups {
		if !g.Gate && CountPlanned(g.Actions) > 0 {
			n++
		}
	}
	return n
}

// skipRest marks every still planned action of actions Skipped with why.
func skipRest(actions []*Action, why string) {
	for _, a := range actions {
		if a.Result == Planned {
			a.Outcome = Outcome{Result: Skipped, Message: why}
		}
	}
}

// earlierFailed is the message of actions a failure stopped.
func earlierFailed(subject string) string {
	return fmt.Sprintf("not run: an earlier step of this %s failed", subject)
}
