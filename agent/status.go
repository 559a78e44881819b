package agent

import "context"

func (s *session) statusOp(ctx context.Context, a StatusArgs) (StatusResult, error) {
	res, err := s.status(ctx)
	if err != nil || !a.Probe || (len(s.spec.Health.Checks) == 0 && !s.consulGate()) {
		return res, err
	}
	// One round of the health checks on the serving instance, as the gate
	// would run them; no verdict is recorded: status observes, it never
	// judges a release.
	inst, err := s.instance(OpStatus, res.Serving)
	if err != nil {
		return res, err
	}
	round, err := s.roundFor(ctx, OpStatus, inst)
	if err != nil {
		res.Checks = []CheckResult{{Check: "probe", Reason: err.Error()}}
		return res, nil
	}
	res.Checks = round(ctx)
	return res, nil
}

// status reads the host state without the lock: every file it reads is
// replaced atomically, so it sees either side of a concurrent change.
func (s *session) status(ctx context.Context) (StatusResult, error) {
	rels, err := s.layout.listReleases()
	if err != nil {
		return StatusResult{}, ioError("status", err)
	}
	st, err := loadState(s.layout.state())
	if err != nil {
		return StatusResult{}, ioError("status", err)
	}
	cur, err := s.hostCurrent(st)
	if err != nil {
		return StatusResult{}, ioError("status", err)
	}
	res := StatusResult{
		Current:  cur,
		Previous: st.previous(cur, s.layout.installed),
		LastGood: st.LastGood,
		Releases: make([]Release, 0, len(rels)),
		Units:    make([]UnitStatus, 0, len(s.spec.Units)),
		Pending:  st.Pending,
	}
	if _, ok := s.spec.Slots.Lookup(st.Serving); ok {
		res.Serving = st.Serving
	}
	if res.Lock, err = s.lockHolder(); err != nil {
		return StatusResult{}, ioError("status", err)
	}
	for _, m := range rels {
		res.Releases = append(res.Releases, releaseInfo(m, st))
	}
	for _, u := range s.spec.Units {
		us := UnitStatus{Name: u}
		if state, err := s.deps.Units.ActiveState(ctx, u); err != nil {
			us.Error = err.Error()
		} else {
			us.ActiveState = state
		}
		res.Units = append(res.Units, us)
	}
	if res.Instances, err = s.instances(ctx); err != nil {
		return StatusResult{}, ioError("status", err)
	}
	return res, nil
}

func (s *session) lockHolder() (*Holder, error) {
	if s.lock != nil {
		h := s.lock.holder
		return &h, nil
	}
	return probeLock(s.layout.lock())
}

func releaseInfo(m releaseMeta, st state) Release {
	return Release{
		Version:     m.Version,
		SHA256:      m.SHA256,
		Size:        m.Size,
		StagedAt:    m.StagedAt,
		StagedBy:    m.StagedBy,
		HealthyEver: st.healthyEver(m.Version),
		LastResult:  st.latest()[m.Version].Result,
		Provenance:  m.Provenance,
	}
}
