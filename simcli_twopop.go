package main

import (
	"context"
	"io"
	"math"

	"balamp/sim"
)

// simGrowthWindow is the window [0, simGrowthWindow] (units of τ) over which
// gMax = sup G(t) is sought, as the twopop demo does: every mode of the
// lecture's stable matrices has decayed by e^{−0.7·20} ≈ 1e-6 well before.
const simGrowthWindow = 20

// simTwoPopResult is the JSON of `balamp sim twopop` (docs/cli.md).
type simTwoPopResult struct {
	W    float64 `json:"w"`
	KI   float64 `json:"kI"`
	RE0  float64 `json:"rE0"`
	RI0  float64 `json:"rI0"`
	TEnd float64 `json:"tEnd"`
	Dt   float64 `json:"dt"`

	WFF                 float64 `json:"wFF"`
	WPlus               float64 `json:"wPlus"`
	Lambda              float64 `json:"lambda"`
	EigenvectorAngleDeg float64 `json:"eigenvectorAngleDeg"`

	SumPeak           simPeak   `json:"sumPeak"`
	GMax              float64   `json:"gMax"`
	GMaxT             float64   `json:"gMaxT"`
	OptimalR0         []float64 `json:"optimalR0"`
	NumericalAbscissa float64   `json:"numericalAbscissa"`
	Henrici           float64   `json:"henrici"`
	Gain              struct {
		EE float64 `json:"EE"`
		EI float64 `json:"EI"`
		IE float64 `json:"IE"`
		II float64 `json:"II"`
	} `json:"gain"`
	NoiseVariance struct {
		Sum  float64 `json:"sum"`
		Diff float64 `json:"diff"`
	} `json:"noiseVariance"`

	Samples []sim.Sample `json:"samples"`
}

// runSimTwoPop is `balamp sim twopop`: the free decay of the Fig 1 circuit
// from (rE0, rI0) and its amplification measures.
func runSimTwoPop(_ context.Context, args []string, stdout, stderr io.Writer) error {
	const model = "twopop"
	fs := simFlags(model, "The two-population circuit W = [[w, −kI·w], [w, −kI·w]] (Fig 1): free decay\n"+
		"τ dr/dt = −r + W r from r(0) = (rE0, rI0), sampled every dt up to tend (units of τ).", stderr)
	w := fs.Float64("w", 4*math.Sqrt(2.0/7), "excitatory weight w, 0…1000; the default is 4√(2/7), the walkthrough's reading (the paper's 4 2/7 = 30/7 gives exactly 4× gain)")
	kI := fs.Float64("ki", 1.1, "inhibitory/excitatory weight ratio kI, 0…1000; stable iff 1 + w(kI − 1) > 0")
	rE0 := fs.Float64("re0", 1, "initial E rate rE(0)")
	rI0 := fs.Float64("ri0", 0, "initial I rate rI(0)")
	tEnd := fs.Float64("tend", 5, "last sample time, in units of τ")
	dt := fs.Float64("dt", 0.005, "sampling interval, in units of τ")
	asCSV := fs.Bool("csv", false, "print the samples as CSV (t,rE,rI,sum,diff) instead of JSON")
	if ok, err := simParse(fs, model, args); !ok {
		return err
	}
	if err := simCheck(model,
		simRange{"w", *w, 0, 1000},
		simRange{"ki", *kI, 0, 1000},
		simRange{"re0", *rE0, -1e6, 1e6},
		simRange{"ri0", *rI0, -1e6, 1e6},
		simRange{"tend", *tEnd, 0, 1e6},
		simRange{"dt", *dt, math.SmallestNonzeroFloat64, 1e6},
	); err != nil {
		return err
	}
	if n := *tEnd / *dt; !(n <= simMaxSamples-1) {
		return usageError{simErrorf(model, "-tend %v / -dt %v gives more than %d samples: raise -dt", *tEnd, *dt, simMaxSamples)}
	}
	p := sim.TwoPop{W: *w, KI: *kI}
	if !p.Stable() {
		return usageError{simErrorf(model, "unstable: the sum mode grows, 1 + w(kI − 1) = %v ≤ 0 (w = %v, kI = %v): raise -ki above 1 or lower -w", 1+p.WPlus(), p.W, p.KI)}
	}
	if err := p.Validate(); err != nil {
		return usageError{simErrorf(model, "%w", err)}
	}
	samples := p.Series(*rE0, *rI0, *tEnd, *dt)
	if *asCSV {
		return simWriteCSV(stdout, model, []string{"t", "rE", "rI", "sum", "diff"}, len(samples),
			func(i int) float64 { return samples[i].T },
			func(i int) float64 { return samples[i].RE },
			func(i int) float64 { return samples[i].RI },
			func(i int) float64 { return samples[i].Sum },
			func(i int) float64 { return samples[i].Diff },
		)
	}

	r := simTwoPopResult{
		W: *w, KI: *kI, RE0: *rE0, RI0: *rI0, TEnd: *tEnd, Dt: *dt,
		WFF: p.WFF(), WPlus: p.WPlus(), Lambda: p.Lambda(),
		EigenvectorAngleDeg: p.EigenvectorAngle(),
		Henrici:             sim.Henrici(p.Matrix()),
		Samples:             samples,
	}
	r.SumPeak.T, r.SumPeak.Value = p.SumPeak(*rE0, *rI0)
	A := p.Matrix()
	for i := range 2 {
		A.Set(i, i, A.At(i, i)-1)
	}
	r.GMax, r.GMaxT, r.OptimalR0 = sim.MaxGrowth(A, simGrowthWindow)
	r.NumericalAbscissa = sim.NumericalAbscissa(A)
	g := p.Gain()
	r.Gain.EE, r.Gain.EI, r.Gain.IE, r.Gain.II = g[0][0], g[0][1], g[1][0], g[1][1]
	r.NoiseVariance.Sum, r.NoiseVariance.Diff = p.NoiseVariance()
	return simWriteJSON(stdout, model, r)
}
