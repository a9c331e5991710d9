// Command balamp serves a live lecture on balanced amplification
// (Murphy & Miller 2009, Neuron 61:635–648): a present-format talk whose
// slides embed demos computed on the server and streamed over a websocket.
//
//	balamp [serve] [-http ADDR] [-content DIR] [-notes=false] [-record FILE] [-replay FILE]
//	balamp check [PATH...]
//	balamp sim MODEL [flags]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return // -h printed the usage; asking for help is not an error
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "balamp:", err)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError marks errors in how balamp was called (exit status 2).
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

// run is the whole program: it dispatches on the subcommand and returns
// when the work is done or ctx is cancelled.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "serve":
			return serve(ctx, args[1:], stdout, stderr)
		case "sim":
			return runSimContext(ctx, args[1:], stdout, stderr)
		case "check":
			return runCheck(args[1:], stdout, stderr)
		}
	}
	return serve(ctx, args, stdout, stderr)
}
