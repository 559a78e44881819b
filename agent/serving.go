package agent

import "context"

// serve records which slot serves: from then on the host's current (what
// status reports, what previous and prune are relative to) is that slot's
// version. It changes nothing in systemd or Consul; the controller drains,
// enables and stops around it.
func (s *session) serve(_ context.Context, a ServeArgs) (ServeResult, error) {
	if s.spec.Slots == nil {
		return ServeResult{}, errorf(CodeBadRequest, "serve: the spec has no slots")
	}
	inst, err := s.instance(OpServe, a.Slot)
	if err != nil {
		return ServeResult{}, err
	}
	v, err := s.version(inst)
	if err != nil {
		return ServeResult{}, ioError("serve", err)
	}
	if v == "" {
		return ServeResult{}, errorf(CodeNotFound, "serve: slot %q has no current release", a.Slot)
	}
	st, err := loadState(s.layout.state())
	if err != nil {
		return ServeResult{}, ioError("serve", err)
	}
	from, err := s.hostCurrent(st)
	if err != nil {
		return ServeResult{}, ioError("serve", err)
	}
	st, err = s.updateState(func(st *state) { st.Serving = a.Slot })
	s.journal(JournalEntry{Op: OpServe, Slot: a.Slot, From: from, To: v, Version: v}, err)
	if err != nil {
		return ServeResult{}, err
	}
	s.log.Info("serving", keySlot, a.Slot, keyVersion, v, "from", from)
	return ServeResult{Serving: a.Slot, From: from, To: v, Previous: st.Previous}, nil
}

// pendingOp records or clears the paused-canary marker, so that any later
// status (another controller, `fleet status`) sees the rollout waiting.
func (s *session) pendingOp(_ context.Context, a PendingArgs) (PendingResult, error) {
	var mark *PendingMark
	switch {
	case a.Clear && (a.Version != "" || a.RolloutID != ""):
		return PendingResult{}, errorf(CodeBadRequest, "pending: clear takes no version or rollout id")
	case a.Abandon && !a.Clear:
		return PendingResult{}, errorf(CodeBadRequest, "pending: abandon goes with clear")
	case !a.Clear:
		if err := ValidateVersion(a.Version); err != nil {
			return PendingResult{}, errorf(CodeBadRequest, "pending: %w", err)
		}
		if err := validateFreeText("rollout id", a.RolloutID); err != nil {
			return PendingResult{}, errorf(CodeBadRequest, "pending: %w", err)
		}
		if !s.layout.installed(a.Version) {
			return PendingResult{}, errorf(CodeNotFound, "pending: release %s is not installed", a.Version)
		}
		mark = &PendingMark{
			Version: a.Version, RolloutID: a.RolloutID, Since: s.deps.Now().UTC(),
			By: s.ctrl.User + "@" + s.ctrl.Machine,
		}
		if mark.RolloutID == "" {
			mark.RolloutID = s.ctrl.RolloutID
		}
	}
	var cleared string
	_, err := s.updateState(func(st *state) {
		if st.Pending != nil {
			cleared = st.Pending.Version
		}
		st.Pending = mark
	})
	entry := JournalEntry{Op: OpPending, Version: cleared, Reason: "cleared"}
	if a.Abandon {
		entry.Reason = "abandoned"
	}
	if mark != nil {
		entry.Version, entry.Reason = mark.Version, "paused canary, rollout "+mark.RolloutID
	}
	s.journal(entry, err)
	if err != nil {
		return PendingResult{}, err
	}
	return PendingResult{Pending: mark}, nil
}
