package main

import (
	"errors"
	"io"
)

// runSim prints a model's numbers as JSON: `balamp sim MODEL [flags]`.
func runSim(args []string, stdout, stderr io.Writer) error {
	return usageError{errors.New("sim: not available yet")}
}
