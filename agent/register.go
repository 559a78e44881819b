package agent

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"strconv"
	"time"

	"github.com/fleetdeploy/fleet/appspec"
	"github.com/fleetdeploy/fleet/provenance"
)

// defaultConsulInterval is a Consul check's interval when the spec sets
// none: Consul requires one for HTTP and TCP checks.
const defaultConsulInterval = 10 * time.Second

// register (re)registers an instance with Consul for the version it runs,
// in maintenance, so it receives no traffic before its health gate has
// passed and enable has been called.
func (s *session) register(ctx context.Context, a RegisterArgs) (RegisterResult, error) {
	inst, err := s.consulInstance(OpRegister, a.Slot)
	if err != nil {
		return RegisterResult{}, err
	}
	v, err := s.version(inst)
	switch {
	case err != nil:
		return RegisterResult{}, ioError("register", err)
	case v == "":
		return RegisterResult{}, errorf(CodeNotFound, "register: instance %s has no current release", inst.serviceID)
	case a.Version != "" && a.Version != v:
		return RegisterResult{}, errorf(CodeBadRequest, "register: instance %s runs %s, not %s", inst.serviceID, v, a.Version)
	}
	m, err := s.layout.readRelease(v)
	if errors.Is(err, fs.ErrNotExist) {
		return RegisterResult{}, errorf(CodeNotFound, "register: release %s is not installed", v)
	}
	if err != nil {
		return RegisterResult{}, ioError("register", err)
	}
	if a.Weight < 0 || a.Weight > MaxWeight {
		return RegisterResult{}, errorf(CodeBadRequest, "register: weight %d is outside 0..%d", a.Weight, MaxWeight)
	}
	r := s.registration(inst, m)
	if a.Weight > 0 {
		w := weightsOf(a.Weight)
		r.Weights = &w
	}
	err = s.registerInstance(ctx, r)
	s.journal(JournalEntry{Op: OpRegister, Slot: a.Slot, Version: v, Weight: a.Weight}, err)
	if err != nil {
		return RegisterResult{}, err
	}
	s.log.Info("registered in maintenance", keySlot, a.Slot, keyService, inst.serviceID, keyVersion, v)
	return RegisterResult{ServiceID: inst.serviceID, Version: v, Port: inst.port}, nil
}

// registerInstance keeps the instance out of the load balancer
// throughout: an instance that serves enters maintenance before its
// definition changes, and every registration ends in maintenance whether
// or not Consul kept it across the re-registration.
func (s *session) registerInstance(ctx context.Context, r Registration) error {
	reason := "fleet: waiting for health gate, rollout " + s.ctrl.RolloutID
	reg, err := s.registryFor(OpRegister)
	if err != nil {
		return err
	}
	prior, err := readInstance(ctx, reg, r.ID)
	if err != nil {
		return consulError(OpRegister, err)
	}
	if prior.Registered && !prior.Maintenance {
		if err := setMaintenance(ctx, reg, r.ID, true, reason); err != nil {
			return consulError(OpRegister, err)
		}
	}
	cctx, cancel := context.WithTimeout(ctx, consulCallTimeout)
	err = reg.Register(cctx, r)
	cancel()
	if err != nil {
		return consulError(OpRegister, err)
	}
	if err := setMaintenance(ctx, reg, r.ID, true, reason); err != nil {
		// Registered but not in maintenance: it could take traffic before
		// its gate. Take it out again, even if the session is ending.
		derr := deregister(context.WithoutCancel(ctx), reg, r.ID)
		return consulError(OpRegister, errors.Join(err, derr))
	}
	return nil
}

// registration is the Consul definition of an instance running release m.
func (s *session) registration(inst instance, m releaseMeta) Registration {
	c := s.spec.Consul
	meta := make(map[string]string, len(c.Meta)+6)
	maps.Copy(meta, c.Meta)
	meta[appspec.MetaVersion], meta[appspec.MetaSHA256], meta[appspec.MetaRollout] = m.Version, m.SHA256, s.ctrl.RolloutID
	// revision and dirty from the release's provenance, change_note from
	// this session's controller, cut to Consul's 512 bytes.
	maps.Copy(meta, provenance.Meta(m.provenance(), s.ctrl.ChangeNote))
	r := Registration{
		ID: inst.serviceID, Name: c.Service, Port: inst.port,
		Tags: append([]string(nil), c.Tags...), Meta: meta,
	}
	for i, ck := range c.Checks {
		rc := RegistrationCheck{
			// Consul's own naming for a service's checks, made explicit so
			// that a re-registration updates them in place.
			ID:       "service:" + inst.serviceID + ":" + strconv.Itoa(i+1),
			HTTP:     appspec.WithPort(ck.HTTP, inst.port),
			TCP:      appspec.WithPort(ck.TCP, inst.port),
			Interval: ck.Interval.Std(), Timeout: ck.Timeout.Std(),
			DeregisterCriticalAfter: c.DeregisterCriticalAfter.Std(),
		}
		if rc.Interval == 0 {
			rc.Interval = defaultConsulInterval
		}
		rc.Name = fmt.Sprintf("fleet: tcp %s", rc.TCP)
		if rc.HTTP != "" {
			rc.Name = fmt.Sprintf("fleet: http GET %s", rc.HTTP)
		}
		r.Checks = append(r.Checks, rc)
	}
	return r
}
