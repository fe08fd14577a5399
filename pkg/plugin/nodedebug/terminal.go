package nodedebug

import (
	"context"

	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/kubectl/pkg/util/term"
)

// execTerminal runs argv in p on the terminal t, in raw mode (restored
// however the command ends), with a TTY that follows t's window size.
func execTerminal(ctx context.Context, p *Pod, argv []string, t term.TTY) (int, error) {
	var sizes remotecommand.TerminalSizeQueue
	if size := t.GetSize(); size != nil {
		sizes = sizeQueue{t.MonitorSize(size)}
	}
	var code int
	err := t.Safe(func() error {
		var e error
		code, e = p.Exec(ctx, argv, Streams{In: t.In, Out: t.Out, TTY: true, Resizes: sizes})
		return e
	})
	return code, err
}

// sizeQueue adapts kubectl's terminal size queue to remotecommand's.
type sizeQueue struct{ q term.TerminalSizeQueue }

func (s sizeQueue) Next() *remotecommand.TerminalSize {
	size := s.q.Next()
	if size == nil {
		return nil
	}
	return &remotecommand.TerminalSize{Width: size.Width, Height: size.Height}
}
