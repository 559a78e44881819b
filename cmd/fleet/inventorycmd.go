package main

import (
	"encoding/json"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/fleetdeploy/fleet/render"
)

func inventoryCommand() *cli.Command {
	return &cli.Command{
		Name:   "inventory",
		Usage:  "print the selected hosts as fleet resolves them, and where each came from (contacts no host)",
		Flags:  commonFlags(),
		Action: runInventory,
	}
}

// inventoryRow is one host of `fleet inventory` (render.InventoryRow).
type inventoryRow = render.InventoryRow

func runInventory(c *cli.Context) error {
	t, err := loadTarget(c)
	if err != nil {
		return withExit(exitCannotStart, err)
	}
	rows := render.InventoryRows(t.src, t.hosts)
	if t.out.json {
		return json.NewEncoder(c.App.Writer).Encode(rows)
	}
	t.out.write(func(w io.Writer) { render.Inventory(w, t.src, t.inv, rows) })
	return nil
}
