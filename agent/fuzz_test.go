package agent

import (
	"bytes"
	"encoding/json"
	"testing"
)

// argsFor returns a pointer to op's args type, as dispatch decodes it.
func argsFor(op Op) any {
	switch op {
	case OpHello:
		return &HelloArgs{}
	case OpStageBegin:
		return &StageBeginArgs{}
	case OpStageCommit:
		return &StageCommitArgs{}
	case OpSwitch:
		return &SwitchArgs{}
	case OpHealth:
		return &HealthArgs{}
	case OpPrune:
		return &PruneArgs{}
	case OpJournal:
		return &JournalArgs{}
	case OpRestart:
		return &RestartArgs{}
	case OpDrain:
		return &DrainArgs{}
	case OpRegister:
		return &RegisterArgs{}
	case OpEnable:
		return &EnableArgs{}
	case OpStop:
		return &StopArgs{}
	case OpServe:
		return &ServeArgs{}
	case OpPending:
		return &PendingArgs{}
	}
	return &noArgs{}
}

// FuzzDecodeRequest feeds arbitrary bytes through everything the agent
// does with a request line before touching the host: line splitting,
// request decoding, args decoding and validation. None of it may panic,
// and what decodes must survive a round trip. Seeds: testdata/fuzz.
func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(`{"id":1,"op":"status"}`))
	f.Add([]byte(`{"id":2,"op":"switch","args":{"version":"../../etc"}}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		lr := newLineReader(bytes.NewReader(line), 64)
		for {
			if _, err := lr.next(); err != nil && err != errLineTooLong {
				break
			}
		}

		req, err := DecodeRequest(line)
		if err != nil {
			return
		}
		if req.ID == 0 || !req.Op.Known() {
			t.Fatalf("accepted %+v", req)
		}
		again, err := json.Marshal(req)
		if err != nil {
			t.Fatalf("re-encode %+v: %v", req, err)
		}
		req2, err := DecodeRequest(again)
		if err != nil || req2.ID != req.ID || req2.Op != req.Op {
			t.Fatalf("round trip %s -> %+v, %v", again, req2, err)
		}

		args := argsFor(req.Op)
		if decodeArgs(req.Args, args) != nil {
			return
		}
		switch a := args.(type) {
		case *HelloArgs:
			_ = a.App.Validate()
			_ = a.Controller.Validate()
		case *StageBeginArgs:
			_ = validateArtifact(a.Version, a.SHA256)
		case *StageCommitArgs:
			_ = validateArtifact(a.Version, a.SHA256)
		case *SwitchArgs:
			if ValidateVersion(a.Version) == nil && bytes.ContainsAny([]byte(a.Version), "/\x00 ;$`") {
				t.Fatalf("version %q passed validation", a.Version)
			}
		}
	})
}
