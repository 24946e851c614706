// Package tunnelroute is the TunnelRoute controller: it keeps one ingress
// rule of a remotely managed Cloudflare Tunnel in step with a TunnelRoute,
// leaving every other rule of the tunnel as it is, and never adopts,
// changes or deletes a rule it did not write.
package tunnelroute

import (
	"context"
	"strings"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/provider/internal/controller/managedctrl"
)

// SetupGated adds the TunnelRoute controller once its kind is served, when
// o.Gate is set, and at once otherwise. Its clients come from src. A
// TunnelRoute's external name is the hostname, set by Create.
func SetupGated(mgr ctrl.Manager, o controller.Options, src managedctrl.ClientSource, extra ...managed.ReconcilerOption) error {
	return managedctrl.SetupGated(mgr, o, v1alpha1.TunnelRouteGroupVersionKind, managedctrl.Connector(src, newExternal), extra...)
}

func newExternal(_ *v1alpha1.TunnelRoute, cf cloudflare.Client) managedctrl.ExternalClient[*v1alpha1.TunnelRoute] {
	return &external{tunnels: cf}
}

// An external keeps one ingress rule of a tunnel's configuration. It never
// blocks: a rate-limited call returns its error and the reconciler requeues.
type external struct {
	tunnels cloudflare.Tunnels
}

// Observe finds the rule the TunnelRoute owns and reports whether it
// exists and is up to date: for spec.forProvider.hostname, to the desired
// service, with every originRequest setting the TunnelRoute sets. It records
// the hostname of that rule in status.atProvider.hostname. A rule for the
// hostname that the TunnelRoute does not own is a conflict, returned as an
// error so that the reconciler neither creates over it nor deletes it.
func (e *external) Observe(ctx context.Context, cr *v1alpha1.TunnelRoute) (managed.ExternalObservation, error) {
	p := cr.Spec.ForProvider
	cfg, err := e.tunnels.GetTunnelConfiguration(ctx, p.TunnelID)
	if cloudflare.IsNotFound(err) && meta.WasDeleted(cr) {
		// A deleted tunnel took our rule with it.
		return managed.ExternalObservation{ResourceExists: false}, nil
	}
	if err != nil {
		return managed.ExternalObservation{}, tunnelError(err, p.TunnelID, "read")
	}
	host, rule, found, err := owned(cr, cfg.Ingress)
	if err != nil && meta.WasDeleted(cr) {
		// Not ours: let go of it without deleting it.
		return managed.ExternalObservation{ResourceExists: false}, nil
	}
	if err != nil || !found {
		return managed.ExternalObservation{ResourceExists: false}, err
	}
	seen := v1alpha1.TunnelRouteObservation{ConfigVersion: cfg.Version, Service: rule.Service, Hostname: host}
	if at := cr.Status.AtProvider; at.ConfigVersion != 0 && at.Service == seen.Service && at.Hostname == seen.Hostname {
		// The version goes up with every write to the tunnel, for any
		// rule. Recorded at each poll, it would change the status of
		// every TunnelRoute of the tunnel each time one route changed,
		// and have Crossplane reconcile every route's composite.
		seen.ConfigVersion = at.ConfigVersion
	}
	cr.Status.AtProvider = seen
	cr.SetConditions(xpv2.Available())
	o := managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: sameHostname(host, p.Hostname) && upToDate(p, rule)}
	if sameHostname(host, p.Hostname) && meta.GetExternalName(cr) != p.Hostname {
		// The external name names the rule, for kubectl get and for the
		// state ConfigMap: set it once the rule is ours, such as after a
		// create whose result was lost, or a move.
		meta.SetExternalName(cr, p.Hostname)
		o.ResourceLateInitialized = true
	}
	return o, nil
}

// owned returns the TunnelRoute's own rule among rules and its hostname;
// found is false when it has none. An ingress rule carries no ownership
// marker, so the TunnelRoute records the hostname of the rule it wrote in
// status.atProvider.hostname, and a rule is its own when it has that
// hostname. Without a record:
//
//   - a TunnelRoute that did create its rule (crossplane.io/external-create-succeeded)
//     and is named after the hostname owns the rule for it: a TunnelRoute
//     of an earlier version, which did not record it, or one whose record
//     was lost with the status of a create;
//   - one whose last create may have written it unrecorded (createUnsure)
//     owns the rule only if it is exactly the rule it would write.
//
// The same holds for a rule of the new hostname when the old one is gone
// during a move: a move whose record was lost wrote exactly the rule the
// TunnelRoute would write. Any other rule for the hostname is someone
// else's: a conflict, never adopted, rewritten or deleted.
func owned(cr *v1alpha1.TunnelRoute, rules []cloudflare.IngressRule) (string, cloudflare.IngressRule, bool, error) {
	p := cr.Spec.ForProvider
	recorded := cr.Status.AtProvider.Hostname
	if recorded != "" {
		if r, ok := cloudflare.FindIngressRule(rules, recorded, ""); ok {
			return recorded, r, true, nil
		}
		if sameHostname(recorded, p.Hostname) {
			// Ours, and gone: Create puts it back.
			return "", cloudflare.IngressRule{}, false, nil
		}
	}
	r, ok := cloudflare.FindIngressRule(rules, p.Hostname, "")
	switch {
	case !ok:
		return "", cloudflare.IngressRule{}, false, nil
	case recorded == "" && !meta.GetExternalCreateSucceeded(cr).IsZero() && sameHostname(meta.GetExternalName(cr), p.Hostname):
		return p.Hostname, r, true, nil
	case (recorded != "" || createUnsure(cr)) && upToDate(p, r):
		return p.Hostname, r, true, nil
	}
	return "", cloudflare.IngressRule{}, false, notOwned(p.TunnelID, p.Hostname)
}

// createUnsure reports whether the TunnelRoute's last create may have
// written its rule without the result being recorded: it started, and did
// not succeed. The provider stopped during it (meta.ExternalCreateIncomplete),
// or it failed, which a write that landed before its verifying read failed
// does too.
func createUnsure(cr *v1alpha1.TunnelRoute) bool {
	pending := meta.GetExternalCreatePending(cr)
	return !pending.IsZero() && pending.After(meta.GetExternalCreateSucceeded(cr))
}

// notOwned is the conflict of a rule for hostname that the TunnelRoute did
// not create.
func notOwned(tunnelID, hostname string) error {
	return errors.Errorf("tunnel %q already has an ingress rule for %q that this TunnelRoute did not create: remove it in the dashboard or pick another hostname", tunnelID, hostname)
}

// Create adds the rule and sets the external name to the hostname. A rule
// Cloudflare would refuse (see validate) is refused first, nothing written.
// A rule for the hostname already there is left as it is: exactly ours, it
// is the one a create whose result was lost wrote; otherwise it is someone
// else's, and Create fails with a conflict without writing.
//
// Proceeding after a create whose result is unknown is therefore safe: the
// rule is identified by the hostname, which the spec holds before anything
// is written; Observe adopts the rule that create wrote only if it is
// exactly the rule the TunnelRoute would write, and reports any other as a
// conflict; and Create writes only where the hostname has no rule.
func (e *external) Create(ctx context.Context, cr *v1alpha1.TunnelRoute) (managed.ExternalCreation, error) {
	if err := validate(cr.Spec.ForProvider); err != nil {
		return managed.ExternalCreation{}, err
	}
	if meta.GetExternalName(cr) == "" {
		meta.SetExternalName(cr, cr.Spec.ForProvider.Hostname)
	}
	_, err := e.write(ctx, cr, "")
	return managed.ExternalCreation{}, err
}

// Update puts the desired rule in place of the TunnelRoute's own rule, the
// one Observe recorded, unless Cloudflare would refuse it (see validate). When the hostname changed, it moves the rule: the
// old rule is removed and the new one written in its place, in one write,
// unless the new hostname has a rule that is not ours, a conflict for which
// nothing is written.
func (e *external) Update(ctx context.Context, cr *v1alpha1.TunnelRoute) (managed.ExternalUpdate, error) {
	if err := validate(cr.Spec.ForProvider); err != nil {
		return managed.ExternalUpdate{}, err
	}
	cfg, err := e.write(ctx, cr, cr.Status.AtProvider.Hostname)
	if err != nil {
		return managed.ExternalUpdate{}, err
	}
	p := cr.Spec.ForProvider
	// Persisted with the status at the end of this reconcile: from now on
	// the rule of the new hostname is the TunnelRoute's.
	cr.Status.AtProvider = v1alpha1.TunnelRouteObservation{ConfigVersion: cfg.Version, Service: p.Service, Hostname: p.Hostname}
	return managed.ExternalUpdate{}, nil
}

// Delete removes the TunnelRoute's own rule, the one Observe recorded, and
// never a rule someone else made for its hostname. A rule or tunnel already
// gone is not an error.
func (e *external) Delete(ctx context.Context, cr *v1alpha1.TunnelRoute) (managed.ExternalDelete, error) {
	p := cr.Spec.ForProvider
	host := cr.Status.AtProvider.Hostname
	if host == "" {
		// Observe found no rule of ours.
		return managed.ExternalDelete{}, nil
	}
	_, err := e.tunnels.UpdateTunnelIngress(ctx, p.TunnelID, func(rules []cloudflare.IngressRule) []cloudflare.IngressRule {
		return cloudflare.RemoveIngressRule(rules, host, "")
	})
	if cloudflare.IsNotFound(err) {
		return managed.ExternalDelete{}, nil
	}
	return managed.ExternalDelete{}, tunnelError(err, p.TunnelID, "update")
}

// write puts the desired rule in the tunnel in one read-modify-write. from
// is the hostname of the rule the TunnelRoute owns, empty when it owns
// none: that rule is replaced by the desired one, in its place, whatever
// its hostname. A rule for the desired hostname other than from's is left
// as it is: when from has no rule and it is exactly the desired one, a
// write whose result was lost made it and nothing needs writing; otherwise
// it is someone else's, and the conflict is returned without writing. The
// mutation keeps every other rule and is idempotent, as UpdateTunnelIngress
// requires.
func (e *external) write(ctx context.Context, cr *v1alpha1.TunnelRoute, from string) (cloudflare.TunnelConfiguration, error) {
	p := cr.Spec.ForProvider
	want := ingressRule(p)
	var conflict error
	cfg, err := e.tunnels.UpdateTunnelIngress(ctx, p.TunnelID, func(rules []cloudflare.IngressRule) []cloudflare.IngressRule {
		conflict = nil
		moving := !sameHostname(from, p.Hostname)
		_, hasOld := cloudflare.FindIngressRule(rules, from, "")
		hasOld = hasOld && from != "" && moving
		if cur, ok := cloudflare.FindIngressRule(rules, p.Hostname, ""); ok && moving {
			if hasOld || !upToDate(p, cur) {
				conflict = notOwned(p.TunnelID, p.Hostname)
			}
			// Exactly ours already: a write whose result was lost, or
			// this write being verified.
			return rules
		}
		if hasOld {
			// The new rule takes the old one's place, so that it is
			// matched before the same rules as before.
			for i := range rules {
				if sameHostname(rules[i].Hostname, from) && rules[i].Path == "" {
					rules[i].Hostname = p.Hostname
					break
				}
			}
			rules = cloudflare.RemoveIngressRule(rules, from, "")
		}
		return cloudflare.UpsertIngressRule(rules, want)
	})
	if err != nil {
		return cfg, tunnelError(err, p.TunnelID, "update")
	}
	return cfg, conflict
}

// sameHostname reports whether two hostnames are the same, as Cloudflare
// matches them: regardless of case.
func sameHostname(a, b string) bool {
	return strings.EqualFold(a, b)
}

// tunnelError explains an error of a call that was to read or update the
// tunnel's ingress rules; nil stays nil.
func tunnelError(err error, tunnelID, verb string) error {
	switch {
	case err == nil:
		return nil
	case cloudflare.IsNotFound(err):
		return errors.Wrapf(err, "cannot find tunnel %q in the ProviderConfig's account: check the tunnelId of the Tenant (or of the TunnelRoute) and that the tunnel is remotely managed", tunnelID)
	case cloudflare.IsConflict(err):
		return errors.Wrapf(err, "cannot update the ingress rules of tunnel %q: another writer kept changing them, will retry", tunnelID)
	default:
		return errors.Wrapf(err, "cannot %s the ingress rules of tunnel %q", verb, tunnelID)
	}
}

// ingressRule is the rule p asks for.
func ingressRule(p v1alpha1.TunnelRouteParameters) cloudflare.IngressRule {
	r := cloudflare.IngressRule{Hostname: p.Hostname, Service: p.Service}
	if o := p.OriginRequest; o != nil {
		r.OriginRequest = &cloudflare.OriginRequest{
			NoTLSVerify:            o.NoTLSVerify,
			OriginServerName:       o.OriginServerName,
			CAPool:                 o.CAPool,
			ConnectTimeout:         o.ConnectTimeout,
			HTTP2Origin:            o.HTTP2Origin,
			HTTPHostHeader:         o.HTTPHostHeader,
			TLSTimeout:             o.TLSTimeout,
			KeepAliveConnections:   o.KeepAliveConnections,
			KeepAliveTimeout:       o.KeepAliveTimeout,
			TCPKeepAlive:           o.TCPKeepAlive,
			NoHappyEyeballs:        o.NoHappyEyeballs,
			DisableChunkedEncoding: o.DisableChunkedEncoding,
			ProxyType:              o.ProxyType,
			ProxyAddress:           o.ProxyAddress,
			ProxyPort:              o.ProxyPort,
		}
	}
	return r
}

// upToDate reports whether got routes to p's service with every
// originRequest setting p sets. Settings p leaves unset are not compared, so
// that one added in the dashboard is not fought over.
func upToDate(p v1alpha1.TunnelRouteParameters, got cloudflare.IngressRule) bool {
	if got.Service != p.Service {
		return false
	}
	w := p.OriginRequest
	if w == nil {
		return true
	}
	g := got.OriginRequest
	if g == nil {
		g = &cloudflare.OriginRequest{}
	}
	return sameBool(w.NoTLSVerify, g.NoTLSVerify) &&
		sameString(w.OriginServerName, g.OriginServerName) &&
		sameString(w.CAPool, g.CAPool) &&
		sameInt(w.ConnectTimeout, g.ConnectTimeout) &&
		sameBool(w.HTTP2Origin, g.HTTP2Origin) &&
		sameString(w.HTTPHostHeader, g.HTTPHostHeader) &&
		sameInt(w.TLSTimeout, g.TLSTimeout) &&
		sameInt(w.KeepAliveConnections, g.KeepAliveConnections) &&
		sameInt(w.KeepAliveTimeout, g.KeepAliveTimeout) &&
		sameInt(w.TCPKeepAlive, g.TCPKeepAlive) &&
		sameBool(w.NoHappyEyeballs, g.NoHappyEyeballs) &&
		sameBool(w.DisableChunkedEncoding, g.DisableChunkedEncoding) &&
		sameString(w.ProxyType, g.ProxyType) &&
		sameString(w.ProxyAddress, g.ProxyAddress) &&
		sameInt(w.ProxyPort, g.ProxyPort)
}

func sameBool(want, got *bool) bool {
	return want == nil || (got != nil && *got == *want)
}

func sameInt(want, got *int64) bool {
	return want == nil || (got != nil && *got == *want)
}

func sameString(want, got string) bool {
	return want == "" || got == want
}
