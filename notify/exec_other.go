//go:build !unix

package notify

import "os/exec"

// killGroup leaves exec's default, killing the program alone, where
// process groups are not Unix's.
func killGroup(*exec.Cmd) {}
