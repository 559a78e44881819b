package deploy

import "fmt"

// Options starts the Options of a call on the source's hosts that limit
// (--limit) and selector (--selector) pick: the inventory, those hosts
// and the analyses' Querier (QuerierFor). Its errors name where the
// hosts came from; none picked is one (inventory.Select).
func (s *Source) Options(limit, selector string) (Options, error) {
	hosts, err := s.Inventory.Select(s.Limit(limit), selector)
	if err != nil {
		return Options{}, fmt.Errorf("%s: %w", s.Where, err)
	}
	q, err := QuerierFor(s.Inventory)
	if err != nil {
		return Options{}, fmt.Errorf("%s: app.analysis.prometheus: %w", s.Where, err)
	}
	return Options{Inventory: s.Inventory, Hosts: hosts, Querier: q}, nil
}
