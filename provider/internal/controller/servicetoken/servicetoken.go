// Package servicetoken holds the ServiceToken controller, which keeps a
// Cloudflare Access service token as its managed resource describes it and
// publishes its client ID and secret as connection details.
package servicetoken

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/provider/internal/controller/managedctrl"
)

// SetupGated adds the ServiceToken controller once its kind is served, when
// o.Gate is set, and at once otherwise. Its clients come from src.
func SetupGated(mgr ctrl.Manager, o controller.Options, src managedctrl.ClientSource, extra ...managed.ReconcilerOption) error {
	gauge, err := registeredExpiryGauge()
	if err != nil {
		return err
	}
	// The connection Secret is read live: a cached read just after the
	// secret was published could look empty and cause a rotation.
	secrets := mgr.GetAPIReader()
	routes := routeEvents{
		// Warnings are rare: the route is read live, without a cache of
		// every route's metadata.
		routes: mgr.GetAPIReader(),
		//nolint:staticcheck // SA1019: crossplane-runtime's event.Recorder wraps the core/v1 recorder.
		record: event.NewAPIRecorder(mgr.GetEventRecorderFor(managed.ControllerName(v1alpha1.ServiceTokenGroupVersionKind.GroupKind().String()))),
	}
	return managedctrl.SetupGated(mgr, o, v1alpha1.ServiceTokenGroupVersionKind,
		managedctrl.Connector(src, func(_ *v1alpha1.ServiceToken, cf cloudflare.Client) managedctrl.ExternalClient[*v1alpha1.ServiceToken] {
			return &external{cf: cf, secrets: secrets, kube: mgr.GetClient(), now: time.Now, expiry: gauge, routes: routes.warn}
		}),
		append([]managed.ReconcilerOption{
			// crossplane-runtime's default grace period: a token
			// created twice would be a second secret, so a token that
			// seems missing just after its creation is not created
			// again at once.
			managed.WithCreationGracePeriod(30 * time.Second),
			managed.WithCriticalAnnotationUpdater(keepStatus{managed.NewRetryingCriticalAnnotationUpdater(mgr.GetClient())}),
		}, extra...)...)
}

// Defaults of the rotation and refresh settings.
const (
	defaultRotationOverlap = 24 * time.Hour
	defaultRefreshBefore   = 720 * time.Hour
	// warnBefore is how close to its expiry a token that cannot be
	// refreshed gets a Warning Event on its HTTPRoute.
	warnBefore = 7 * 24 * time.Hour
)

// An external keeps one Access service token as its ServiceToken describes
// it.
type external struct {
	cf cloudflare.ServiceTokens
	// secrets reads the connection Secret, to learn whether it still holds
	// the token's secret.
	secrets client.Reader
	// kube writes the connection Secret's annotations; nil writes none.
	kube client.Client
	now  func() time.Time
	// expiry is the expiry gauge; nil records none.
	expiry *prometheus.GaugeVec
	// routes warns the HTTPRoute of a token; nil warns none.
	routes func(ctx context.Context, mg *v1alpha1.ServiceToken, reason event.Reason, err error) error
}

// Observe reads the token the external name identifies. Its name and
// duration are compared with the spec; a rotation asked for by
// spec.forProvider.rotate or due by rotateEvery, or a refresh due by
// refreshBefore, makes it out of date too. The connection Secret is
// checked for the client secret, which Cloudflare never returns again:
// when it is missing, Update rotates the token to obtain a new one, and its
// annotations are brought up to date. Observe returns the client ID as
// connection details, with the client secret the Secret holds when there is
// one; publishing them merges keys into the Secret, so the client secret
// published by Create stays.
func (e *external) Observe(ctx context.Context, mg *v1alpha1.ServiceToken) (managed.ExternalObservation, error) {
	got, found, err := managedctrl.Get(ctx, mg, "service token", e.cf.GetServiceToken)
	if err != nil || !found {
		return managed.ExternalObservation{}, err
	}
	observe(mg, got)
	e.recordExpiry(mg)
	o := managed.ExternalObservation{
		ResourceExists:    true,
		ResourceUpToDate:  !drifted(mg.Spec.ForProvider, got),
		ConnectionDetails: managed.ConnectionDetails{KeyClientID: []byte(got.ClientID)},
	}
	if !o.ResourceUpToDate {
		return o, nil
	}
	w, err := e.work(mg, got)
	if err != nil {
		return managed.ExternalObservation{}, err
	}
	if w.rotate != "" || w.refresh {
		o.ResourceUpToDate = false
		o.Diff = w.String()
		return o, nil
	}
	s, exists, err := e.connectionSecret(ctx, mg)
	if err != nil {
		return managed.ExternalObservation{}, err
	}
	if lost(mg, s, exists) {
		o.ResourceUpToDate = false
		return o, nil
	}
	if exists {
		if err := e.annotate(ctx, mg, s); err != nil {
			return managed.ExternalObservation{}, err
		}
		// The reconciler publishes the connection details after every
		// Observe, and writes the Secret unless its data equals them
		// whole: without the secret it holds, every poll would write it.
		o.ConnectionDetails[KeyClientSecret] = s.Data[KeyClientSecret]
	}
	return o, nil
}

// Create creates the token, or, when a token of that name exists (a create
// whose reply was lost), rotates it: its secret was never seen, and
// rotating is the only way to obtain one. Either way the client ID and
// secret are returned as connection details, once, and the current
// spec.forProvider.rotate is recorded as carried out: a new token is not
// rotated at once.
//
// Proceeding after a create whose result is unknown is therefore safe: the
// name (cfzt-<hostname>) is one only we give, and the find reads a list of
// the account's tokens newer than that create (managedctrl.Connector asks
// for one), so the token that create made is found and adopted, and its
// connection Secret gets a secret that works, the rotated one; a token of
// any other name is never looked at; two of that name are a conflict rather
// than a reason for a third; and one is created only when there is none.
func (e *external) Create(ctx context.Context, mg *v1alpha1.ServiceToken) (managed.ExternalCreation, error) {
	p := mg.Spec.ForProvider
	t, created, err := managedctrl.FindOrCreate(ctx,
		func(ctx context.Context) (cloudflare.ServiceToken, error) { return e.cf.FindServiceToken(ctx, p.Name) },
		func(ctx context.Context) (cloudflare.ServiceToken, error) {
			return e.cf.CreateServiceToken(ctx, p.Name, p.Duration)
		})
	if err != nil {
		return managed.ExternalCreation{}, errors.Wrapf(err, "cannot create service token %q", p.Name)
	}
	id := t.ID
	at := &mg.Status.AtProvider
	if !created {
		// Its secret was never stored: nothing to keep working.
		if t, err = e.cf.RotateServiceToken(ctx, id, time.Time{}); err != nil {
			return managed.ExternalCreation{}, errors.Wrapf(err, "cannot rotate service token %q to obtain its secret", id)
		}
		at.RotatedAt = timePtr(e.now())
	}
	meta.SetExternalName(mg, id)
	record(mg, t)
	at.Rotated = p.Rotate
	d := details(t)
	_ = e.publish(ctx, mg, d) // Published again by the reconciler.
	return managed.ExternalCreation{ConnectionDetails: d}, nil
}

// Update sets the token's name and duration back to the spec's, rotates it
// when a rotation is asked for or due, or when the connection Secret has
// lost the client secret, and refreshes it when its expiry is near. A
// rotation returns the new secret as connection details; the old one keeps
// working for spec.forProvider.rotationOverlap, unless it was lost, and a
// refresh keeps the secret.
func (e *external) Update(ctx context.Context, mg *v1alpha1.ServiceToken) (managed.ExternalUpdate, error) {
	p := mg.Spec.ForProvider
	id := meta.GetExternalName(mg)
	got, err := e.cf.GetServiceToken(ctx, id)
	if err != nil {
		return managed.ExternalUpdate{}, errors.Wrapf(err, "cannot get service token %q", id)
	}
	if drifted(p, got) {
		if got, err = e.cf.UpdateServiceToken(ctx, id, p.Name, p.Duration); err != nil {
			return managed.ExternalUpdate{}, errors.Wrapf(err, "cannot update service token %q", id)
		}
		observe(mg, got)
	}
	w, err := e.work(mg, got)
	if err != nil {
		return managed.ExternalUpdate{}, err
	}
	s, exists, err := e.connectionSecret(ctx, mg)
	if err != nil {
		return managed.ExternalUpdate{}, err
	}
	u := managed.ExternalUpdate{}
	if lost(mg, s, exists) || w.rotate != "" {
		if u.ConnectionDetails, err = e.rotate(ctx, mg, !lost(mg, s, exists)); err != nil {
			return managed.ExternalUpdate{}, err
		}
	}
	if w.refresh {
		if err := e.refresh(ctx, mg); err != nil && u.ConnectionDetails == nil {
			return managed.ExternalUpdate{}, err
		}
		// A refresh that failed after a rotation is tried again at the
		// next poll: the new secret must be published first.
	}
	e.recordExpiry(mg)
	if u.ConnectionDetails != nil || w.refresh {
		_ = e.publish(ctx, mg, u.ConnectionDetails) // Observe repairs the annotations, the reconciler publishes the data.
	}
	return u, nil
}

// Delete deletes the token; one already gone is not an error.
func (e *external) Delete(ctx context.Context, mg *v1alpha1.ServiceToken) (managed.ExternalDelete, error) {
	d, err := managedctrl.Delete(ctx, mg, e.cf.DeleteServiceToken, "cannot delete service token %q")
	if err == nil {
		e.forgetExpiry(mg)
	}
	return d, err
}

// rotate gives mg's token a new secret and returns it as connection
// details. With overlap the old secret keeps working for
// spec.forProvider.rotationOverlap; without, it stops at once.
func (e *external) rotate(ctx context.Context, mg *v1alpha1.ServiceToken, overlap bool) (managed.ConnectionDetails, error) {
	p := mg.Spec.ForProvider
	id := meta.GetExternalName(mg)
	now := e.now()
	until := now
	if overlap {
		d, err := parse("rotationOverlap", p.RotationOverlap, defaultRotationOverlap)
		if err != nil {
			return nil, err
		}
		until = now.Add(d)
	}
	previous := until
	if !overlap {
		// The API's default: the old secret stops now.
		previous = time.Time{}
	}
	t, err := e.cf.RotateServiceToken(ctx, id, previous)
	if err != nil {
		if !overlap {
			return nil, errors.Wrapf(err, "cannot rotate service token %q to replace the secret missing from its connection Secret", id)
		}
		return nil, errors.Wrapf(err, "cannot rotate service token %q", id)
	}
	at := &mg.Status.AtProvider
	at.Rotated = p.Rotate
	at.RotatedAt = timePtr(now)
	at.PreviousSecretExpiresAt = timePtr(until)
	if t.ClientID != "" {
		at.ClientID = t.ClientID
	}
	return details(t), nil
}

// refresh extends the expiry of mg's token. When it cannot, and the token
// expires within warnBefore, its HTTPRoute gets a Warning Event too.
func (e *external) refresh(ctx context.Context, mg *v1alpha1.ServiceToken) error {
	id := meta.GetExternalName(mg)
	t, err := e.cf.RefreshServiceToken(ctx, id)
	if err == nil {
		observe(mg, t)
		return nil
	}
	err = errors.Wrapf(err, "cannot refresh service token %q", id)
	if at := mg.Status.AtProvider.ExpiresAt; at != nil && e.routes != nil && at.Sub(e.now()) <= warnBefore {
		warning := errors.Wrapf(err, "service token expires at %s", at.UTC().Format(time.RFC3339))
		if werr := e.routes(ctx, mg, reasonExpiring, warning); werr != nil {
			return errors.Wrapf(err, "%v; cannot warn its HTTPRoute", werr)
		}
	}
	return err
}

// lost reports whether s, mg's connection Secret, is missing the client
// secret, as when publishing it after the create failed, or does not
// exist. A token that writes no connection Secret has nothing to lose.
func lost(mg *v1alpha1.ServiceToken, s *corev1.Secret, exists bool) bool {
	if mg.GetWriteConnectionSecretToReference() == nil {
		return false
	}
	return !exists || len(s.Data[KeyClientSecret]) == 0
}

// work is what Update has to do besides setting the name and duration.
type work struct {
	// rotate says why the token is to be rotated; empty when it is not.
	rotate string
	// refresh is whether its expiry is to be extended.
	refresh bool
}

func (w work) String() string {
	switch {
	case w.rotate != "" && w.refresh:
		return w.rotate + "; the token expires soon and is to be refreshed"
	case w.refresh:
		return "the token expires soon and is to be refreshed"
	default:
		return w.rotate
	}
}

// work returns what is due for mg's token, got, now.
func (e *external) work(mg *v1alpha1.ServiceToken, got cloudflare.ServiceToken) (work, error) {
	p, at, now := mg.Spec.ForProvider, mg.Status.AtProvider, e.now()
	w := work{}
	every, err := parse("rotateEvery", p.RotateEvery, 0)
	if err != nil {
		return work{}, err
	}
	since := got.CreatedAt
	if at.RotatedAt != nil {
		since = &at.RotatedAt.Time
	}
	switch {
	case p.Rotate != at.Rotated:
		w.rotate = fmt.Sprintf("spec.forProvider.rotate is %q, the last rotation carried out %q", p.Rotate, at.Rotated)
	case every > 0 && since != nil && !now.Before(since.Add(every)):
		w.rotate = fmt.Sprintf("the secret is older than spec.forProvider.rotateEvery (%s)", p.RotateEvery)
	}
	before, err := parse("refreshBefore", p.RefreshBefore, defaultRefreshBefore)
	if err != nil {
		return work{}, err
	}
	// A short-lived token is refreshed at half its life at the latest,
	// not on every poll.
	life, err := time.ParseDuration(got.Duration)
	if err != nil || life <= 0 {
		life, _ = time.ParseDuration(p.Duration)
	}
	if life > 0 {
		before = min(before, life/2)
	}
	w.refresh = got.ExpiresAt != nil && got.ExpiresAt.Sub(now) <= before
	return w, nil
}

// parse reads the Go duration spec.forProvider.<field>, v, which is def
// when empty.
func parse(field, v string, def time.Duration) (time.Duration, error) {
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, errors.Errorf("spec.forProvider.%s %q is not a positive Go duration such as 24h", field, v)
	}
	return d, nil
}

// drifted reports whether the token's name or duration differ from p's. A
// duration p leaves unset is Cloudflare's to choose.
func drifted(p v1alpha1.ServiceTokenParameters, got cloudflare.ServiceToken) bool {
	if got.Name != p.Name {
		return true
	}
	return p.Duration != "" && !sameDuration(p.Duration, got.Duration)
}

// sameDuration reports whether a and b are the same Go duration, such as
// 8760h and 8760h0m0s.
func sameDuration(a, b string) bool {
	if a == b {
		return true
	}
	da, errA := time.ParseDuration(a)
	db, errB := time.ParseDuration(b)
	return errA == nil && errB == nil && da == db
}

// observe records what Cloudflare says about the token in mg's status, and
// that it is available.
func observe(mg *v1alpha1.ServiceToken, t cloudflare.ServiceToken) {
	record(mg, t)
	mg.SetConditions(xpv2.Available())
}

// record records the token's client ID and expiry in mg's status.
func record(mg *v1alpha1.ServiceToken, t cloudflare.ServiceToken) {
	mg.Status.AtProvider.ClientID = t.ClientID
	mg.Status.AtProvider.ExpiresAt = nil
	if t.ExpiresAt != nil {
		mg.Status.AtProvider.ExpiresAt = timePtr(*t.ExpiresAt)
	}
}

// details are the connection details of a token just created or rotated,
// the only time its secret is known.
func details(t cloudflare.ServiceToken) managed.ConnectionDetails {
	return managed.ConnectionDetails{
		KeyClientID:     []byte(t.ClientID),
		KeyClientSecret: []byte(t.ClientSecret.Reveal()),
	}
}
