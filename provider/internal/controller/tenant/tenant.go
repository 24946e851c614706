// Package tenant holds the Tenant controller. Each CloudflareZeroTrustTenant
// gets a ProviderConfig named <namespace>.<name> (v1alpha1.ProviderConfigName,
// the name the composition function puts on every managed resource of the
// Tenant's routes) that the controller keeps in step with the Tenant, and a
// Ready condition saying whether its API token works, has the permissions
// the README lists, and whether its tunnel exists, and, while it does, the
// account's zones in status.zones, for the composition function.
// The condition is checked again when the Tenant or its token Secret
// changes, and every interval.
package tenant

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	xpcontroller "github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
)

// Labels on a ProviderConfig made from a Tenant.
const (
	LabelTenantNamespace = "cfzt.cloudflare.com/tenant-namespace"
	LabelTenantName      = "cfzt.cloudflare.com/tenant-name"
)

// Reasons of the Tenant's Ready condition.
const (
	ReasonAvailable      xpv2.ConditionReason = "Available"
	ReasonSecretMissing  xpv2.ConditionReason = "CredentialsMissing"
	ReasonTokenRefused   xpv2.ConditionReason = "TokenRefused"
	ReasonTunnelNotFound xpv2.ConditionReason = "TunnelNotFound"
	ReasonUnreachable    xpv2.ConditionReason = "CloudflareUnreachable"
	// ReasonMissingPermission: the token works but Cloudflare refused a
	// read that a kind the Tenant manages needs.
	ReasonMissingPermission xpv2.ConditionReason = "MissingPermission"
)

// ReasonDeprecatedField is the reason of the Warning Event on a Tenant that
// sets a field that has no effect.
const ReasonDeprecatedField event.Reason = "DeprecatedField"

// A ClientFor returns the Cloudflare client for an account and token;
// cloudflare.Registry's ClientFor is one.
type ClientFor func(ctx context.Context, cfg cloudflare.Config) (cloudflare.Client, error)

// Reconciler keeps a Tenant's ProviderConfig and status.
type Reconciler struct {
	kube     client.Client
	clients  ClientFor
	baseURL  string
	interval time.Duration
	record   event.Recorder
	log      logging.Logger
	now      func() time.Time
}

// Setup adds the Tenant controller. A Tenant is checked again when its
// token Secret changes, so that a fixed token shows at once, and every
// interval, so that a revoked token or deleted tunnel shows up.
func Setup(mgr ctrl.Manager, o xpcontroller.Options, clients ClientFor, baseURL string, interval time.Duration) error {
	r := &Reconciler{
		kube:     mgr.GetClient(),
		clients:  clients,
		baseURL:  baseURL,
		interval: interval,
		//nolint:staticcheck // SA1019: crossplane-runtime's event.Recorder wraps the core/v1 recorder.
		record: event.NewAPIRecorder(mgr.GetEventRecorderFor("tenant")),
		log:    o.Logger.WithValues("controller", "tenant"),
		now:    time.Now,
	}
	// The controller reads Secrets through the manager's cache already, so
	// watching them costs no memory of its own. A change of a Tenant's
	// status alone is not a reason to look again: each look costs a handful
	// of Cloudflare calls, and most status writes are the controller's own.
	return ctrl.NewControllerManagedBy(mgr).
		Named("tenant").
		WithOptions(o.ForControllerRuntime()).
		For(&v1alpha1.CloudflareZeroTrustTenant{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.secretTenants)).
		Complete(r)
}

// Reconcile makes the Tenant's ProviderConfig match it, deletes the
// ProviderConfig of a deleted Tenant, and reports whether the Tenant works.
func (r *Reconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	t := &v1alpha1.CloudflareZeroTrustTenant{}
	if err := r.kube.Get(ctx, req.NamespacedName, t); err != nil {
		if !kerrors.IsNotFound(err) {
			return reconcile.Result{}, errors.Wrapf(err, "cannot get Tenant %s", req.NamespacedName)
		}
		// Crossplane's ProviderConfig finalizer keeps it while managed
		// resources still use it, so their deletion can finish.
		pc := &v1alpha1.ProviderConfig{ObjectMeta: metav1.ObjectMeta{Name: v1alpha1.ProviderConfigName(req.Namespace, req.Name)}}
		return reconcile.Result{}, errors.Wrapf(client.IgnoreNotFound(r.kube.Delete(ctx, pc)), "cannot delete ProviderConfig %q of deleted Tenant %s", pc.Name, req.NamespacedName)
	}
	if !t.GetDeletionTimestamp().IsZero() {
		return reconcile.Result{}, nil
	}

	if err := r.applyProviderConfig(ctx, t); err != nil {
		return reconcile.Result{}, err
	}

	if d := t.Spec.Deprecated(); len(d) > 0 && t.Status.ObservedGeneration != t.GetGeneration() {
		// Once per change of the spec, not at every interval.
		r.record.Event(t, event.Warning(ReasonDeprecatedField, errors.Errorf(
			"deprecated: %s; remove it from the Tenant", strings.Join(d, "; "))))
	}

	cond, cl := r.check(ctx, t)
	var zones []v1alpha1.TenantZone
	if cond.Status == corev1.ConditionTrue {
		zones = accountZones(ctx, cl, t)
	}
	if !t.Status.GetCondition(xpv2.TypeReady).Equal(cond) || t.Status.ObservedGeneration != t.GetGeneration() || !slices.Equal(zones, t.Status.Zones) {
		t.Status.SetConditions(cond)
		t.Status.Zones = zones
		t.Status.ObservedGeneration = t.GetGeneration()
		now := metav1.NewTime(r.now())
		t.Status.LastSyncTime = &now
		if err := r.kube.Status().Update(ctx, t); err != nil {
			return reconcile.Result{}, errors.Wrapf(err, "cannot update the status of Tenant %s", req.NamespacedName)
		}
	}
	if cond.Reason == ReasonUnreachable {
		// Most likely a passing failure: look again soon rather than
		// leave the Tenant not Ready for a whole interval.
		return reconcile.Result{RequeueAfter: min(r.interval, unreachableRetry)}, nil
	}
	return reconcile.Result{RequeueAfter: r.interval}, nil
}

// unreachableRetry is how soon a Tenant Cloudflare could not be asked about
// is checked again. Its status write does not make the controller look
// again: only a spec change does.
const unreachableRetry = 30 * time.Second

// secretTenants maps a Secret to the Tenants of its namespace whose
// spec.credentialRef names it.
func (r *Reconciler) secretTenants(ctx context.Context, s client.Object) []reconcile.Request {
	l := &v1alpha1.CloudflareZeroTrustTenantList{}
	if err := r.kube.List(ctx, l, client.InNamespace(s.GetNamespace())); err != nil {
		r.log.Info("Cannot list Tenants to map a Secret event", "namespace", s.GetNamespace(), "error", err)
		return nil
	}
	var out []reconcile.Request
	for _, t := range l.Items {
		if t.Spec.CredentialRef.Name == s.GetName() {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: t.GetNamespace(), Name: t.GetName()}})
		}
	}
	return out
}

func (r *Reconciler) applyProviderConfig(ctx context.Context, t *v1alpha1.CloudflareZeroTrustTenant) error {
	pc := &v1alpha1.ProviderConfig{ObjectMeta: metav1.ObjectMeta{Name: v1alpha1.ProviderConfigName(t.GetNamespace(), t.GetName())}}
	_, err := controllerutil.CreateOrUpdate(ctx, r.kube, pc, func() error {
		if ns, n := pc.GetLabels()[LabelTenantNamespace], pc.GetLabels()[LabelTenantName]; pc.GetResourceVersion() != "" && (ns != t.GetNamespace() || n != t.GetName()) {
			return errors.Errorf("ProviderConfig %q exists and was not made from Tenant %s/%s: rename or delete it", pc.GetName(), t.GetNamespace(), t.GetName())
		}
		meta := pc.GetLabels()
		if meta == nil {
			meta = map[string]string{}
		}
		meta[LabelTenantNamespace] = t.GetNamespace()
		meta[LabelTenantName] = t.GetName()
		pc.SetLabels(meta)
		pc.Spec = v1alpha1.ProviderConfigSpec{
			AccountID: t.Spec.AccountID,
			Credentials: v1alpha1.ProviderCredentials{
				Source: xpv2.CredentialsSourceSecret,
				CommonCredentialSelectors: xpv2.CommonCredentialSelectors{SecretRef: &xpv2.SecretKeySelector{
					SecretReference: xpv2.SecretReference{Namespace: t.GetNamespace(), Name: t.Spec.CredentialRef.Name},
					Key:             tokenKey(t),
				}},
			},
			TenantRef: &v1alpha1.TenantReference{Namespace: t.GetNamespace(), Name: t.GetName()},
		}
		return nil
	})
	return errors.Wrapf(err, "cannot apply ProviderConfig %q of Tenant %s/%s", pc.GetName(), t.GetNamespace(), t.GetName())
}

// maxListedZones is the most zones a Tenant's status lists. Every run of
// the composition function for every route of the Tenant receives the
// list; an account with more zones lists none, and its routes' DNS records
// find their zones, a Crossplane round trip later.
const maxListedZones = 500

// accountZones returns the zones of cl's account for the status of Tenant
// t, which works: sorted by name, none when there are more than
// maxListedZones. Zones that cannot be read now are those read before, for
// the same spec only, as a changed spec may name another account. The list
// is the client's shared cache of zones, which the DNS records read anyway.
//
// The composition function makes a route's account-wide objects (policies,
// service token) at once when its hostname is in a listed zone, and its
// Access application and tunnel rule only once its DNS record exists, so a
// list that still holds a zone since removed costs a route those
// account-wide objects at most.
func accountZones(ctx context.Context, cl cloudflare.Client, t *v1alpha1.CloudflareZeroTrustTenant) []v1alpha1.TenantZone {
	zs, err := cl.ListZones(ctx)
	if err != nil {
		if t.Status.ObservedGeneration == t.GetGeneration() {
			return t.Status.Zones
		}
		return nil
	}
	if len(zs) > maxListedZones {
		return nil
	}
	out := make([]v1alpha1.TenantZone, len(zs))
	for i, z := range zs {
		out[i] = v1alpha1.TenantZone{Name: z.Name, ID: z.ID}
	}
	slices.SortFunc(out, func(a, b v1alpha1.TenantZone) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return out
}

// check reads the Tenant's token and asks Cloudflare whether it works and
// whether the tunnel exists, with the client it returns, nil when it could
// make none. The message never contains the token.
func (r *Reconciler) check(ctx context.Context, t *v1alpha1.CloudflareZeroTrustTenant) (xpv2.Condition, cloudflare.Client) {
	ref := t.Spec.CredentialRef
	s := &corev1.Secret{}
	if err := r.kube.Get(ctx, types.NamespacedName{Namespace: t.GetNamespace(), Name: ref.Name}, s); err != nil {
		return unavailable(ReasonSecretMissing, "cannot read Secret %s/%s named by spec.credentialRef: create it with the API token under key %q", t.GetNamespace(), ref.Name, tokenKey(t)), nil
	}
	token := strings.TrimSpace(string(s.Data[tokenKey(t)]))
	if token == "" {
		return unavailable(ReasonSecretMissing, "Secret %s/%s has no API token under key %q: put the token there or set spec.credentialRef.key", t.GetNamespace(), ref.Name, tokenKey(t)), nil
	}
	cl, err := r.clients(ctx, cloudflare.Config{BaseURL: r.baseURL, AccountID: t.Spec.AccountID, Token: token})
	if err != nil {
		return unavailable(ReasonUnreachable, "cannot make a Cloudflare client: %v", err), nil
	}
	st, err := cl.VerifyToken(ctx)
	switch {
	case cloudflare.IsAuth(err):
		return unavailable(ReasonTokenRefused, "Cloudflare refused the API token in Secret %s/%s: create a token with the permissions listed in the README", t.GetNamespace(), ref.Name), cl
	case err != nil:
		return unavailable(ReasonUnreachable, "cannot verify the API token with Cloudflare: %v", err), cl
	case st.Status != cloudflare.TokenStatusActive:
		return unavailable(ReasonTokenRefused, "the API token in Secret %s/%s is %s: replace it", t.GetNamespace(), ref.Name, st.Status), cl
	}
	if _, err := cl.GetTunnel(ctx, t.Spec.TunnelID); err != nil {
		if cloudflare.IsNotFound(err) {
			return unavailable(ReasonTunnelNotFound, "tunnel %s named by spec.tunnelId does not exist in account %s: create it or fix the ID", t.Spec.TunnelID, t.Spec.AccountID), cl
		}
		if p, ok := cloudflare.MissingPermission(err); ok {
			return unavailable(ReasonMissingPermission, "the API token lacks %s (a read of tunnel %s was refused): add it to the token", p, t.Spec.TunnelID), cl
		}
		if cloudflare.IsAuth(err) {
			return unavailable(ReasonTokenRefused, "the API token cannot read tunnel %s: give it %s", t.Spec.TunnelID, cloudflare.PermissionTunnelEdit), cl
		}
		return unavailable(ReasonUnreachable, "cannot read tunnel %s: %v", t.Spec.TunnelID, err), cl
	}
	return r.checkPermissions(ctx, cl), cl
}

// checkPermissions tries a cheap read for each permission of the README's
// table that the tunnel read did not check, so that a token made without
// one shows on the Tenant, naming it, before any managed resource fails.
// A client that cannot check (a test's mock) passes.
func (r *Reconciler) checkPermissions(ctx context.Context, cl cloudflare.Client) xpv2.Condition {
	pc, ok := cl.(cloudflare.PermissionChecker)
	if !ok {
		return xpv2.Available()
	}
	missing, err := pc.CheckPermissions(ctx)
	if err != nil {
		return unavailable(ReasonUnreachable, "cannot check the API token's permissions: %v", err)
	}
	switch len(missing) {
	case 0:
		return xpv2.Available()
	case 1:
		return unavailable(ReasonMissingPermission, "%s", missing[0].Error())
	}
	lacks := make([]string, len(missing))
	for i, m := range missing {
		lacks[i] = fmt.Sprintf("%s (%s was refused)", m.Permission, m.Refused())
	}
	return unavailable(ReasonMissingPermission, "the API token lacks %s and %s: add them to the token",
		strings.Join(lacks[:len(lacks)-1], ", "), lacks[len(lacks)-1])
}

func tokenKey(t *v1alpha1.CloudflareZeroTrustTenant) string {
	if t.Spec.CredentialRef.Key != "" {
		return t.Spec.CredentialRef.Key
	}
	return "token"
}

func unavailable(reason xpv2.ConditionReason, format string, args ...any) xpv2.Condition {
	c := xpv2.Unavailable().WithMessage(errors.Errorf(format, args...).Error())
	c.Reason = reason
	return c
}
