package main

import (
	"context"
	"io"

	"balamp/sim"
)

// simAmpSamples is the default number of samples of `balamp sim
// amplification`: smooth curves at every preset window (≤ 47τ for 10×).
const simAmpSamples = 501

// runSimAmplification is `balamp sim amplification`: a Hebbian and a
// balanced network matched to the amplification a (sim.CompareAmplification).
func runSimAmplification(_ context.Context, args []string, stdout, stderr io.Writer) error {
	const model = "amplification"
	fs := simFlags(model, "Hebbian (one E population) and balanced (Fig 1 E/I circuit) networks matched to the\n"+
		"amplification a = ∫rE dt/τ after a unit E pulse; pulse and step responses over 0…tend (units of τ).", stderr)
	a := fs.Float64("a", 4, "amplification a ≥ 1 (dimensionless); below the balanced ceiling kI/(kI − 1)")
	kI := fs.Float64("ki", 1.1, "inhibitory/excitatory weight ratio kI of the balanced network, 1…1000")
	tEnd := fs.Float64("tend", 0, "time window in units of τ (default ⌈ln 100 · a⌉, when every curve has settled)")
	n := fs.Int("n", simAmpSamples, "number of samples from 0 to tend, 2…100001")
	asCSV := fs.Bool("csv", false, "print the samples as CSV instead of JSON")
	if ok, err := simParse(fs, model, args); !ok {
		return err
	}
	if err := simCheck(model,
		simRange{"a", *a, 1, 1e6},
		simRange{"ki", *kI, 1, 1000},
		simRange{"n", float64(*n), 2, simMaxSamples},
	); err != nil {
		return err
	}
	if ceil := sim.BalancedCeiling(*kI); !(*a < ceil) {
		return usageError{simErrorf(model, "-a %v is at or above the balanced network's ceiling kI/(kI − 1) = %.6g for -ki %v: no weight reaches it (lower -a or -ki)", *a, ceil, *kI)}
	}
	if !simIsSet(fs, "tend") {
		*tEnd = sim.SuggestedWindow(*a, *kI)
	} else if err := simCheck(model, simRange{"tend", *tEnd, 1e-9, 1e6}); err != nil {
		return err
	}
	cmp, err := sim.CompareAmplification(*a, *kI, *tEnd, *n)
	if err != nil {
		return usageError{simErrorf(model, "%w", err)}
	}
	if *asCSV {
		h, b, z := &cmp.Hebbian, &cmp.Balanced, &cmp.NoRecurrence
		return simWriteCSV(stdout, model, []string{
			"t", "hebbianPulse", "hebbianStep", "balancedPulse", "balancedStep",
			"balancedPulseI", "balancedStepI", "noRecurrencePulse", "noRecurrenceStep",
		}, len(cmp.T),
			func(i int) float64 { return cmp.T[i] },
			func(i int) float64 { return h.Pulse[i] },
			func(i int) float64 { return h.Step[i] },
			func(i int) float64 { return b.Pulse[i] },
			func(i int) float64 { return b.Step[i] },
			func(i int) float64 { return b.PulseI[i] },
			func(i int) float64 { return b.StepI[i] },
			func(i int) float64 { return z.Pulse[i] },
			func(i int) float64 { return z.Step[i] },
		)
	}
	return simWriteJSON(stdout, model, cmp)
}
