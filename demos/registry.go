package demos

// Default returns the lecture's demos, in the order the talk uses them.
func Default() *Registry {
	return NewRegistry(
		NewTwoPop(),
		NewHebbian(),
		NewSpatial(),
		NewSchur(),
	)
}
