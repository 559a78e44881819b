package agent

// slog attribute keys, in one place so log lines stay greppable.
const (
	keyApp      = "app"
	keyOp       = "op"
	keyID       = "id"
	keyVersion  = "version"
	keyUnit     = "unit"
	keyDuration = "duration"
	keyError    = "error"
	keyRollout  = "rollout_id"
	keySlot     = "slot"
	keyService  = "service_id"
)
