// Command teabaseline is the smallest Bubble Tea v2 program that redraws a
// clock once a second: the baseline idle cost that bench/idle-cpu.sh
// compares the dashboard with, in the same run. -fps 10 runs it at the
// dashboard's frame rate instead of Bubble Tea's default.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
)

type tickMsg time.Time

type clock struct{ now time.Time }

func tick() tea.Cmd { return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) }) }

func (c clock) Init() tea.Cmd { return tick() }

func (c clock) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tickMsg:
		c.now = time.Time(msg)
		return c, tick()
	case tea.KeyPressMsg:
		if msg.String() == "q" {
			return c, tea.Quit
		}
	}
	return c, nil
}

func (c clock) View() tea.View {
	v := tea.NewView(fmt.Sprintf("baseline clock %s (q quits)", c.now.Format("15:04:05")))
	v.AltScreen = true
	return v
}

func main() {
	fps := flag.Int("fps", 0, "renderer frame rate (0: Bubble Tea's default of 60)")
	flag.Parse()
	if _, err := tea.NewProgram(clock{now: time.Now()}, tea.WithFPS(*fps)).Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
