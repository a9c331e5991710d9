package main

import (
	"context"
	"io"
	"math"

	"balamp/sim"
)

// simSpatialMaxSimulate caps -simulate (units of τ), as sim.SpatialReport does.
const simSpatialMaxSimulate = 1e6

// runSimSpatial is `balamp sim spatial`: the top modes of the n×n torus
// network of Fig 3 and its spontaneous map-vs-random variance ratio
// (sim.SpatialReport), optionally estimated from a simulation too.
func runSimSpatial(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const model = "spatial"
	fs := simFlags(model, "The spatially extended network of Fig 3: one E and one I unit per site of an n×n torus,\n"+
		"W_E = w·K, W_I = kI·w·K, K the distance × orientation kernel normalised to top eigenvalue 1;\n"+
		"each eigenvector of K carries a copy of the Fig 1 circuit with weight w·μ_k.", stderr)
	n := fs.Int("n", sim.SpatialDefaultN, "grid size: n×n sites, even, 8…128")
	sigma := fs.Float64("sigma", 0, "Gaussian width σ_d of the kernel, in grid sites, 0 < σ_d ≤ n (default 8·n/32)")
	kappa := fs.Float64("kappa", sim.SpatialDefaultKappa, "orientation selectivity κ of the kernel, 0…100 (dimensionless)")
	w := fs.Float64("w", sim.SpatialDefaultW, "excitatory weight w of the top mode, 0…1000 (default 30/7: w_FF,1 = 9)")
	kI := fs.Float64("ki", sim.SpatialDefaultKI, "inhibitory/excitatory weight ratio kI, 0…1000; stable iff 1 + w(kI − 1) > 0")
	modes := fs.Int("modes", sim.SpatialDefaultModes, "number K of top modes to compute, 1…64 (and ≤ n²)")
	simulate := fs.Float64("simulate", 0, "if > 0, also simulate spontaneous activity for this long, in units of τ (≤ 1e6)")
	seed := fs.Uint64("seed", 1, "seed of the simulation's noise")
	if ok, err := simParse(fs, model, args); !ok {
		return err
	}
	if !simIsSet(fs, "sigma") {
		*sigma = sim.SpatialDefaultSigmaD(*n)
	}
	if err := simCheck(model,
		simRange{"n", float64(*n), sim.SpatialMinN, sim.SpatialMaxN},
		simRange{"sigma", *sigma, math.SmallestNonzeroFloat64, float64(*n)},
		simRange{"kappa", *kappa, 0, sim.SpatialMaxKappa},
		simRange{"w", *w, 0, 1000},
		simRange{"ki", *kI, 0, 1000},
		simRange{"modes", float64(*modes), 1, float64(min(sim.SpatialMaxModes, *n**n))},
		simRange{"simulate", *simulate, 0, simSpatialMaxSimulate},
	); err != nil {
		return err
	}
	if *n%2 != 0 {
		return usageError{simErrorf(model, "-n = %d: want an even grid size", *n)}
	}
	if a := 1 + *w*(*kI-1); !(a > 0) {
		return usageError{simErrorf(model, "unstable: the top mode's sum grows, 1 + w(kI − 1) = %v ≤ 0 (w = %v, kI = %v): raise -ki above 1 or lower -w", a, *w, *kI)}
	}
	r, err := sim.SpatialReport(ctx, sim.SpatialParams{
		N: *n, SigmaD: *sigma, Kappa: *kappa, W: *w, KI: *kI,
		Modes: *modes, Simulate: *simulate, Seed: *seed,
	})
	if err != nil {
		return simErrorf(model, "%w", err)
	}
	return simWriteJSON(stdout, model, r)
}
