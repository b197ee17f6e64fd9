// Command switchboard keeps LLM-backed applications running when one AI
// provider fails: a terminal dashboard of every provider's health, a
// failover policy and an OpenAI-compatible gateway that follows it.
package main

import (
	"os"

	"switchboard/internal/cli"
)

func main() {
	cli.LimitProcsFor(os.Args[1:]) // the dashboard's one core; serve and the rest take Go's default
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
