package fakecloudflare

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// A Fault makes the fake misbehave for the requests it matches: answer with
// an error status (429 with Retry-After and Ratelimit headers, or a 5xx),
// answer late, or both.
//
// A fault matches a request when each of Method, Path and Operation that is
// set matches. Path is a pattern below /client/v4 in path.Match syntax, where
// * is one segment, such as "/zones/*/dns_records"; a trailing "/**" matches
// any rest. Among matching requests it fires on every Every-th (all when
// zero), with probability Probability (always when zero; drawn from the
// fake's seeded random source), and at most Times times (no limit when
// zero): Times: 3 alone means "the next three requests".
type Fault struct {
	// ID is set by AddFault.
	ID int `json:"id"`

	Method    string `json:"method,omitempty"`
	Path      string `json:"path,omitempty"`
	Operation string `json:"operation,omitempty"`

	// Status, when set, is the status the fake answers with instead of doing
	// the operation. The body is Cloudflare's error envelope.
	Status int `json:"status,omitempty"`
	// RetryAfter is sent as the Retry-After header, in whole seconds
	// (rounded up). A 429 always has one, "0" when RetryAfter is zero.
	RetryAfter time.Duration `json:"-"`
	// NoRetry sends x-should-retry: false, which stops the SDK's own retries.
	NoRetry bool `json:"no_retry,omitempty"`
	// Latency delays the answer, whether or not Status is set.
	Latency time.Duration `json:"-"`

	Every       int     `json:"every,omitempty"`
	Probability float64 `json:"probability,omitempty"`
	Times       int     `json:"times,omitempty"`

	// Matched and Fired count the requests the fault matched and acted on.
	Matched int `json:"matched"`
	Fired   int `json:"fired"`
}

// faultJSON is a Fault with its durations as strings such as "250ms".
type faultJSON struct {
	RetryAfter string `json:"retry_after,omitempty"`
	Latency    string `json:"latency,omitempty"`
}

// MarshalJSON writes the durations as strings such as "250ms".
func (f Fault) MarshalJSON() ([]byte, error) {
	type plain Fault
	d := map[string]any{}
	if f.RetryAfter != 0 {
		d["retry_after"] = f.RetryAfter.String()
	}
	if f.Latency != 0 {
		d["latency"] = f.Latency.String()
	}
	return marshalWithExtra(plain(f), d)
}

// UnmarshalJSON reads the durations as strings such as "250ms".
func (f *Fault) UnmarshalJSON(data []byte) error {
	type plain Fault
	var v struct {
		plain
		faultJSON
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return err
	}
	*f = Fault(v.plain)
	return parseDurations(durationField{v.faultJSON.RetryAfter, &f.RetryAfter}, durationField{v.faultJSON.Latency, &f.Latency})
}

// A durationField is a duration the admin API takes as a string such as
// "250ms", and where it goes once parsed.
type durationField struct {
	s   string
	dst *time.Duration
}

// parseDurations parses every field that is set into its destination.
func parseDurations(fields ...durationField) error {
	for _, d := range fields {
		if d.s == "" {
			continue
		}
		p, err := time.ParseDuration(d.s)
		if err != nil {
			return errors.Wrapf(err, "cannot parse duration %q", d.s)
		}
		*d.dst = p
	}
	return nil
}

func (f Fault) check() error {
	switch {
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		return errors.Errorf("status %d is not an error status (400-599)", f.Status)
	case f.Status == 0 && f.Latency <= 0:
		return errors.New("a fault needs a status, a latency or both")
	case f.Probability < 0 || f.Probability > 1:
		return errors.Errorf("probability %v is not between 0 and 1", f.Probability)
	case f.Every < 0 || f.Times < 0 || f.RetryAfter < 0 || f.Latency < 0:
		return errors.New("every, times, retry_after and latency must not be negative")
	}
	if _, err := path.Match(f.pattern(), "/"); err != nil {
		return errors.Wrapf(err, "cannot use path pattern %q", f.Path)
	}
	return nil
}

func (f Fault) pattern() string {
	return strings.TrimPrefix(f.Path, APIPrefix)
}

func (f Fault) matches(op, method, p string) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	if f.Operation != "" && f.Operation != op {
		return false
	}
	if f.Path == "" {
		return true
	}
	pat := f.pattern()
	if prefix, ok := strings.CutSuffix(pat, "/**"); ok {
		segs := strings.Split(p, "/")
		k := strings.Count(prefix, "/") + 1
		if len(segs) < k {
			return false
		}
		ok, _ := path.Match(prefix, strings.Join(segs[:k], "/"))
		return ok
	}
	ok, _ := path.Match(pat, p)
	return ok
}

// AddFault adds a fault and returns its ID. Faults act in the order they were
// added; the first one with a Status answers the request.
func (s *Server) AddFault(f Fault) (int, error) {
	if err := f.check(); err != nil {
		return 0, errors.Wrap(err, "cannot add fault")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faultID++
	f.ID, f.Matched, f.Fired = s.faultID, 0, 0
	s.faults = append(s.faults, &f)
	return f.ID, nil
}

// RemoveFault removes a fault and reports whether it was there.
func (s *Server) RemoveFault(id int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.ID == id {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			return true
		}
	}
	return false
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Faults returns the faults with their counters.
func (s *Server) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, 0, len(s.faults))
	for _, f := range s.faults {
		out = append(out, *f)
	}
	return out
}

// faultHit is what the faults do to one request.
type faultHit struct {
	latency      time.Duration
	latencyFault int    // the first fault that added latency
	fault        *Fault // the fault that answers, if any
}

func (s *Server) matchFaults(op, method, p string) faultHit {
	s.mu.Lock()
	defer s.mu.Unlock()
	var hit faultHit
	for _, f := range s.faults {
		if !f.matches(op, method, p) || (f.Times > 0 && f.Fired >= f.Times) {
			continue
		}
		f.Matched++
		if f.Every > 0 && f.Matched%f.Every != 0 {
			continue
		}
		if f.Probability > 0 && s.rng.Float64() >= f.Probability {
			continue
		}
		f.Fired++
		if f.Latency > 0 {
			hit.latency += f.Latency
			if hit.latencyFault == 0 {
				hit.latencyFault = f.ID
			}
		}
		if f.Status != 0 {
			cp := *f
			hit.fault = &cp
			break
		}
	}
	return hit
}

// writeFault answers with the fault's status in Cloudflare's envelope.
func writeFault(w http.ResponseWriter, f *Fault) {
	h := w.Header()
	secs := strconv.Itoa(int(math.Ceil(f.RetryAfter.Seconds())))
	if f.Status == http.StatusTooManyRequests || f.RetryAfter > 0 {
		h.Set("Retry-After", secs)
	}
	e := &apiError{Status: f.Status, Code: codeInvalidRequest, Message: fmt.Sprintf("injected fault %d", f.ID)}
	switch {
	case f.Status == http.StatusTooManyRequests:
		h.Set("Ratelimit", `"default";r=0;t=`+secs)
		if h.Get("Ratelimit-Policy") == "" { // the rate window's, unless it is lifted
			h.Set("Ratelimit-Policy", `"default";q=1200;w=300`)
		}
		e.Code, e.Message = codeRateLimited, rateLimitedMessage
	case f.Status >= http.StatusInternalServerError:
		e.Code, e.Message = codeInternal, fmt.Sprintf("Internal server error (injected fault %d)", f.ID)
	}
	if f.NoRetry {
		h.Set("X-Should-Retry", "false")
	}
	writeJSON(w, f.Status, failure(e))
}
