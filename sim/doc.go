// Package sim holds the numerics of the balanced-amplification lecture
// (Murphy & Miller 2009, Neuron 61:635–648): the two-population circuit,
// Hebbian versus balanced amplification, the real Schur form of a weight
// matrix and measures of non-normal amplification, and the spatially extended
// network on a torus. It is pure computation on gonum: no HTTP, no I/O.
//
// Conventions: rates r are deviations from baseline; the dynamics are
// τ dr/dt = −r + W r + I(t), A = (W − 1)/τ, and time is in units of τ unless a
// function says otherwise.
package sim
