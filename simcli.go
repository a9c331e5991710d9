package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// simModel is one model of `balamp sim`: its name, a one-line summary for the
// model list, and the function that parses its flags and prints its numbers.
type simModel struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// simModels lists the models of `balamp sim` in the order the help shows them.
var simModels = []simModel{
	{"twopop", "the two-population E/I circuit of Fig 1: free decay, gains, growth", runSimTwoPop},
	{"amplification", "Hebbian vs balanced networks matched to one amplification (Fig 2)", runSimAmplification},
	{"schur", "the Schur-basis toy of Fig 4: W = Z T Zᵀ and its growth measures", runSimSchur},
	{"spatial", "the spatially extended E/I network of Fig 3: modes and spontaneous variance", runSimSpatial},
}

// simMaxSamples caps the number of time samples a time-series model prints:
// 10⁵ intervals, about 15 MB of JSON, far beyond any plot, small enough that
// a typo in -dt cannot exhaust memory.
const simMaxSamples = 100_001

// runSimContext prints a model's numbers as JSON: `balamp sim MODEL
// [flags]`; ctx stops the long computations (the spatial eigensolver and
// simulation). Errors in how it was called —
// unknown model, bad flag, invalid or unstable parameters — are usageErrors
// (exit status 2); nothing is written to stdout unless the model succeeds.
func runSimContext(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		simListModels(stderr)
		return usageError{errors.New("sim: missing MODEL")}
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		simListModels(stderr)
		return nil
	}
	for _, m := range simModels {
		if m.name == name {
			return m.run(ctx, args[1:], stdout, stderr)
		}
	}
	simListModels(stderr)
	return usageError{fmt.Errorf("sim: unknown model %q (want one of %s)", name, simModelNames())}
}

func simModelNames() string {
	names := make([]string, len(simModels))
	for i, m := range simModels {
		names[i] = m.name
	}
	return strings.Join(names, ", ")
}

func simListModels(w io.Writer) {
	fmt.Fprintln(w, "usage: balamp sim MODEL [flags]   (balamp sim MODEL -h lists the flags)")
	fmt.Fprintln(w, "models:")
	for _, m := range simModels {
		fmt.Fprintf(w, "  %-14s %s\n", m.name, m.summary)
	}
}

// simFlags returns the flag set of model, printing its usage (a summary and
// every flag with its default) to stderr.
func simFlags(model, summary string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("balamp sim "+model, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: balamp sim %s [flags]\n%s\n\nflags:\n", model, summary)
		fs.PrintDefaults()
	}
	return fs
}

// simParse parses args into fs and reports whether the model should run:
// after -h (the usage has then been printed) it returns false and nil; for a
// bad flag, a value that is NaN or ±Inf, or a stray positional argument it
// returns false and a usageError.
func simParse(fs *flag.FlagSet, model string, args []string) (ok bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return false, nil
		}
		return false, usageError{fmt.Errorf("sim %s: %w", model, err)}
	}
	if fs.NArg() > 0 {
		return false, usageError{fmt.Errorf("sim %s: unexpected arguments: %s", model, strings.Join(fs.Args(), " "))}
	}
	var bad error
	fs.Visit(func(f *flag.Flag) {
		g, ok := f.Value.(flag.Getter)
		if !ok || bad != nil {
			return
		}
		if v, ok := g.Get().(float64); ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
			bad = usageError{fmt.Errorf("sim %s: -%s = %v: want a finite number", model, f.Name, v)}
		}
	})
	return bad == nil, bad
}

// simIsSet reports whether the flag name was given on the command line.
func simIsSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// simErrorf returns an error whose message starts with "sim MODEL: ".
func simErrorf(model, format string, args ...any) error {
	return fmt.Errorf("sim "+model+": "+format, args...)
}

// simRange is a closed interval [lo, hi] a parameter must lie in.
type simRange struct {
	flag   string
	v      float64
	lo, hi float64
}

// simCheck returns a usageError naming model and the first flag whose value
// lies outside its range.
func simCheck(model string, rs ...simRange) error {
	for _, r := range rs {
		if !(r.v >= r.lo && r.v <= r.hi) {
			return usageError{fmt.Errorf("sim %s: -%s = %v is out of range: want %v ≤ %s ≤ %v", model, r.flag, r.v, r.lo, r.flag, r.hi)}
		}
	}
	return nil
}

// simWriteJSON encodes v with two-space indentation and writes it to stdout
// only if encoding succeeded, so a failure leaves stdout empty.
func simWriteJSON(stdout io.Writer, model string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		var uv *json.UnsupportedValueError
		if errors.As(err, &uv) {
			return fmt.Errorf("sim %s: the result is not finite (%s): the parameters are too extreme for double precision", model, uv.Str)
		}
		return fmt.Errorf("sim %s: encoding JSON: %w", model, err)
	}
	b = append(b, '\n')
	_, err = stdout.Write(b)
	return err
}

// simWriteCSV writes a header row and one row per sample, each column taken
// from cols at the row index. Numbers are in the shortest form that reads
// back exactly. A non-finite value is an error and leaves stdout empty.
func simWriteCSV(stdout io.Writer, model string, header []string, rows int, cols ...func(i int) float64) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(cols))
	for i := range rows {
		for j, c := range cols {
			v := c(i)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("sim %s: the result is not finite (%s = %v at row %d): the parameters are too extreme for double precision", model, header[j], v, i+1)
			}
			rec[j] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	_, err := stdout.Write(buf.Bytes())
	return err
}

// simPeak is a time (units of τ) and a value.
type simPeak struct {
	T     float64 `json:"t"`
	Value float64 `json:"value"`
}

// simComplex is a complex number in JSON.
type simComplex struct {
	Re float64 `json:"re"`
	Im float64 `json:"im"`
}
