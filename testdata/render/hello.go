package main

import "fmt"

// START OMIT
func main() {
	fmt.Println("hello") // HL
}

// END OMIT
