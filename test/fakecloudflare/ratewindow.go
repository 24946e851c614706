package fakecloudflare

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// Cloudflare's API rate limit: 1,200 requests per five minutes per user,
// across the dashboard, API keys and all of the user's tokens; a user who
// goes over is blocked for five minutes
// (developers.cloudflare.com/fundamentals/api/reference/limits).
const (
	DefaultRateLimit  = 1200
	DefaultRateWindow = 5 * time.Minute
	DefaultRateBlock  = 5 * time.Minute
)

// rateLimitedMessage is Cloudflare's message with code 971.
const rateLimitedMessage = "Rate limited. Please wait and consider throttling your request speed"

// defaultUser is the user of the tokens that name neither a user nor an
// account.
const defaultUser = "default"

// WithRateWindow sets the rate window the fake enforces: at most limit
// requests per user in any window (a sliding window), and a user who goes
// over is refused for block. A limit of 0 lifts the window: no request is
// refused, none is counted and no Ratelimit headers are sent. Without this
// option the fake enforces Cloudflare's own 1,200 per 5 minutes with a
// 5-minute block.
func WithRateWindow(limit int, window, block time.Duration) Option {
	return func(s *Server) {
		s.rateInitial = RateWindow{Limit: limit, Window: window, Block: block}
	}
}

// A RateWindow is the rate limit the fake enforces per user.
//
// Cloudflare does not say whether its window is fixed or sliding; the fake
// slides, which is the stricter reading: a request is refused when it would
// make more than Limit requests of its user within the Window that ends with
// it, wherever a fixed window's boundary would fall. The refused request
// blocks the user for Block from that moment: every request of the user
// until then is refused with the same 429, even when the window has room
// again.
//
// Refused requests count too. Cloudflare still receives them, and a client
// that keeps calling through a block is still going too fast: if its
// refused calls alone fill the window, the first call after the block
// starts a new one. A client that waits as Retry-After says loses nothing,
// because the block lasts as long as the window. What refused calls do not
// do is lengthen the block they fall in, which would never end for a client
// that retries on a timer.
type RateWindow struct {
	Limit  int           `json:"limit"`
	Window time.Duration `json:"-"`
	Block  time.Duration `json:"-"`
}

// MarshalJSON writes the durations as strings such as "5m0s".
func (rw RateWindow) MarshalJSON() ([]byte, error) {
	type plain RateWindow
	return marshalWithExtra(plain(rw), map[string]any{"window": rw.Window.String(), "block": rw.Block.String()})
}

// UnmarshalJSON reads the durations as strings such as "5m".
func (rw *RateWindow) UnmarshalJSON(data []byte) error {
	var v struct {
		Limit  int    `json:"limit"`
		Window string `json:"window"`
		Block  string `json:"block"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return err
	}
	*rw = RateWindow{Limit: v.Limit}
	return parseDurations(durationField{v.Window, &rw.Window}, durationField{v.Block, &rw.Block})
}

func (rw RateWindow) check() error {
	switch {
	case rw.Limit < 0:
		return errors.Errorf("limit %d is negative", rw.Limit)
	case rw.Limit > 0 && rw.Window <= 0:
		return errors.Errorf("window %s is not positive", rw.Window)
	case rw.Block < 0:
		return errors.Errorf("block %s is negative", rw.Block)
	}
	return nil
}

// lifted reports whether the window is off.
func (rw RateWindow) lifted() bool { return rw.Limit == 0 }

// RateStatus is the rate window and where each user stands in it.
type RateStatus struct {
	RateWindow
	// Users are the users with requests in the window or a block, by name.
	Users []RateUser `json:"users"`
}

// MarshalJSON writes the window's fields and the users side by side.
func (rs RateStatus) MarshalJSON() ([]byte, error) {
	users := rs.Users
	if users == nil {
		users = []RateUser{}
	}
	return marshalWithExtra(rs.RateWindow, map[string]any{"users": users})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (rs *RateStatus) UnmarshalJSON(data []byte) error {
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*rs = RateStatus{}
	if users, ok := m["users"]; ok {
		if err := json.Unmarshal(users, &rs.Users); err != nil {
			return err
		}
		delete(m, "users")
	}
	rest, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return rs.RateWindow.UnmarshalJSON(rest)
}

// A RateUser is where one user stands in the rate window.
type RateUser struct {
	// User is the user's name: the User of its tokens, else the account
	// of its tokens, else "default".
	User string `json:"user"`
	// Count is how many requests the user made within the window.
	Count int `json:"count"`
	// Remaining and Reset are what the Ratelimit header says: requests
	// left, and seconds until the window frees one or the block ends.
	Remaining int `json:"remaining"`
	Reset     int `json:"reset"`
	// BlockedUntil is when the user's block ends; zero when not blocked.
	BlockedUntil time.Time `json:"blocked_until,omitzero"`
}

// rateCalls is one user's requests within the window.
type rateCalls struct {
	at    []rateStamp // oldest first
	count int
	until time.Time // end of the block
}

// A rateStamp is n requests at one moment: one API request, or the calls
// made elsewhere that SpendRate counts.
type rateStamp struct {
	at time.Time
	n  int
}

// prune forgets the requests that are no longer within window of now. The
// window that ends now holds the requests after now-window.
func (c *rateCalls) prune(now time.Time, window time.Duration) {
	from := now.Add(-window)
	i := 0
	for i < len(c.at) && !c.at[i].at.After(from) {
		c.count -= c.at[i].n
		i++
	}
	c.at = c.at[i:]
}

func (c *rateCalls) add(now time.Time, n int) {
	c.at = append(c.at, rateStamp{at: now, n: n})
	c.count += n
}

func (c *rateCalls) blocked(now time.Time) bool { return now.Before(c.until) }

// reset is how long until the user may call again when blocked, else until
// the window frees a request; zero when the window is empty.
func (c *rateCalls) reset(now time.Time, window time.Duration) time.Duration {
	if c.blocked(now) {
		return c.until.Sub(now)
	}
	if len(c.at) == 0 {
		return 0
	}
	return c.at[0].at.Add(window).Sub(now)
}

// seconds rounds a wait up to whole seconds, as Retry-After and Ratelimit
// carry it: a client that waits that long is sure to have room.
func seconds(d time.Duration) int {
	return int(math.Ceil(d.Seconds()))
}

// userOf returns the user whose rate window a token counts against.
func (t *APIToken) userOf() string {
	switch {
	case t.User != "":
		return t.User
	case t.AccountID != "":
		return t.AccountID
	}
	return defaultUser
}

// rateUserOf returns the user of the active token a request carries, or
// false: a request that authenticates no one is not counted. The caller
// holds the lock.
func (s *Server) rateUserOf(r *http.Request) (string, bool) {
	value, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	tok := s.st.tokens[value]
	if !ok || tok == nil || tok.Status != TokenActive {
		return "", false
	}
	return tok.userOf(), true
}

// calls returns the user's requests within the window, pruned to now. The
// caller holds the lock.
func (s *Server) calls(user string, now time.Time) *rateCalls {
	c := s.rateUsers[user]
	if c == nil {
		c = &rateCalls{}
		s.rateUsers[user] = c
	}
	c.prune(now, s.rate.Window)
	return c
}

// countCall counts one API request of a user and reports whether the window
// refuses it, and if so how long the user must wait. The caller holds the
// lock.
func (s *Server) countCall(user string, now time.Time) (refused bool, wait time.Duration) {
	if s.rate.lifted() {
		return false, 0
	}
	c := s.calls(user, now)
	c.add(now, 1)
	switch {
	case c.blocked(now):
		return true, c.until.Sub(now)
	case c.count > s.rate.Limit:
		c.until = now.Add(s.rate.Block)
		// Without a block the request waits only for the window.
		return true, c.reset(now, s.rate.Window)
	}
	return false, 0
}

// setRateHeaders sets the Ratelimit and Ratelimit-Policy headers Cloudflare
// sends on every response (changelog 2025-09-03, "rate limiting headers"),
// for a user or, for a request that authenticates no one, for a user who
// has made no request. The caller holds the lock.
func (s *Server) setRateHeaders(h http.Header, user string, known bool, now time.Time) {
	if s.rate.lifted() {
		return
	}
	remaining, reset := s.rate.Limit, 0
	if known {
		st := s.rateUser(user, now)
		remaining, reset = st.Remaining, st.Reset
	}
	h.Set("Ratelimit", `"default";r=`+strconv.Itoa(remaining)+";t="+strconv.Itoa(reset))
	h.Set("Ratelimit-Policy", `"default";q=`+strconv.Itoa(s.rate.Limit)+";w="+strconv.Itoa(seconds(s.rate.Window)))
}

// rateUser returns where a user stands. The caller holds the lock.
func (s *Server) rateUser(user string, now time.Time) RateUser {
	c := s.calls(user, now)
	out := RateUser{
		User:      user,
		Count:     c.count,
		Remaining: max(s.rate.Limit-c.count, 0),
		Reset:     seconds(c.reset(now, s.rate.Window)),
	}
	if c.blocked(now) {
		out.Remaining, out.BlockedUntil = 0, c.until
	}
	return out
}

// refuseRate answers a request the rate window refuses, as Cloudflare does:
// 429, code 971 and Retry-After.
func refuseRate(w http.ResponseWriter, wait time.Duration) int {
	w.Header().Set("Retry-After", strconv.Itoa(seconds(wait)))
	return respond(w, reply{}, errorf(http.StatusTooManyRequests, codeRateLimited, rateLimitedMessage))
}

// RateWindowStatus returns the rate window and where each user stands in it.
func (s *Server) RateWindowStatus() RateStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rateStatus()
}

func (s *Server) rateStatus() RateStatus {
	now := s.now()
	out := RateStatus{RateWindow: s.rate, Users: []RateUser{}}
	for user, c := range s.rateUsers {
		c.prune(now, s.rate.Window)
		if c.count == 0 && !c.blocked(now) {
			delete(s.rateUsers, user)
			continue
		}
		out.Users = append(out.Users, s.rateUser(user, now))
	}
	slices.SortFunc(out.Users, func(a, b RateUser) int { return strings.Compare(a.User, b.User) })
	return out
}

// SetRateWindow changes the rate window from now on. The requests users made
// still count against the new limit, but blocks end: a block is the old
// rule's answer, and a test that lifts or raises the limit wants its client
// through. Reset goes back to the window New was given.
func (s *Server) SetRateWindow(rw RateWindow) (RateStatus, error) {
	if err := rw.check(); err != nil {
		return RateStatus{}, errors.Wrap(err, "cannot set rate window")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rate = rw
	if rw.lifted() {
		s.rateUsers = map[string]*rateCalls{}
	}
	for _, c := range s.rateUsers {
		c.until = time.Time{}
	}
	return s.rateStatus(), nil
}

// SpendRate counts n requests against the window of the user of a token, as
// calls that user made elsewhere: in the dashboard or with other tools,
// which Cloudflare counts in the same window. The token is named by its
// value, its ID or its name. Going over the limit blocks the user from now,
// as the call that went over would have.
func (s *Server) SpendRate(token string, n int) (RateUser, error) {
	if n < 1 {
		return RateUser{}, errors.Errorf("cannot spend %d requests: spend at least one", n)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rate.lifted() {
		return RateUser{}, errors.New("cannot spend requests: the rate window is lifted")
	}
	tok, err := s.findToken(token)
	if err != nil {
		return RateUser{}, err
	}
	now := s.now()
	c := s.calls(tok.userOf(), now)
	c.add(now, n)
	if !c.blocked(now) && c.count > s.rate.Limit {
		c.until = now.Add(s.rate.Block)
	}
	return s.rateUser(tok.userOf(), now), nil
}

// findToken finds an API token by its value, its ID or its name, which
// must then be unique. The caller holds the lock.
func (s *Server) findToken(ref string) (*APIToken, error) {
	if t := s.st.tokens[ref]; t != nil && ref != "" {
		return t, nil
	}
	var found []*APIToken
	for _, t := range s.st.tokens {
		if t.ID == ref {
			return t, nil
		}
		if t.Name == ref {
			found = append(found, t)
		}
	}
	switch {
	case ref == "" || len(found) == 0:
		return nil, errors.Errorf("no API token %q", ref)
	case len(found) > 1:
		return nil, errors.Errorf("%d API tokens are named %q: name one by its value or ID", len(found), ref)
	}
	return found[0], nil
}

// resetRate goes back to the window New was given, with no requests
// counted. The caller holds the lock.
func (s *Server) resetRate() {
	s.rate = s.rateInitial
	s.rateUsers = map[string]*rateCalls{}
}

// rateSpend is the body of POST /__admin/ratelimit/spend.
type rateSpend struct {
	Token string `json:"token"`
	N     int    `json:"n"`
}
