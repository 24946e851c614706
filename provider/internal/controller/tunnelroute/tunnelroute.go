// Package tunnelroute is the TunnelRoute controller: it keeps one ingress
// rule of a remotely managed Cloudflare Tunnel in step with a TunnelRoute,
// leaving every other rule of the tunnel as it is.
package tunnelroute

import (
	"context"

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
func SetupGated(mgr ctrl.Manager, o controller.Options, src managedctrl.ClientSource) error {
	return managedctrl.SetupGated(mgr, o, v1alpha1.TunnelRouteGroupVersionKind, managedctrl.Connector(src, newExternal))
}

func newExternal(_ *v1alpha1.TunnelRoute, cf cloudflare.Client) managedctrl.ExternalClient[*v1alpha1.TunnelRoute] {
	return &external{tunnels: cf}
}

// An external keeps one ingress rule of a tunnel's configuration. It never
// blocks: a rate-limited call returns its error and the reconciler requeues.
type external struct {
	tunnels cloudflare.Tunnels
}

// Observe reports whether the tunnel has a rule for the hostname, and whether
// it routes to the desired service with every originRequest setting the
// TunnelRoute sets.
func (e *external) Observe(ctx context.Context, cr *v1alpha1.TunnelRoute) (managed.ExternalObservation, error) {
	p := cr.Spec.ForProvider
	hostname, err := hostnameOf(cr)
	if err != nil {
		return managed.ExternalObservation{}, err
	}
	cfg, err := e.tunnels.GetTunnelConfiguration(ctx, p.TunnelID)
	if cloudflare.IsNotFound(err) && meta.WasDeleted(cr) {
		// A deleted tunnel took our rule with it.
		return managed.ExternalObservation{ResourceExists: false}, nil
	}
	if err != nil {
		return managed.ExternalObservation{}, tunnelError(err, p.TunnelID, "read")
	}
	rule, ok := cloudflare.FindIngressRule(cfg.Ingress, hostname, "")
	if !ok {
		return managed.ExternalObservation{ResourceExists: false}, nil
	}
	cr.Status.AtProvider = v1alpha1.TunnelRouteObservation{ConfigVersion: cfg.Version, Service: rule.Service}
	cr.SetConditions(xpv2.Available())
	return managed.ExternalObservation{
		ResourceExists:   true,
		ResourceUpToDate: upToDate(p, rule),
	}, nil
}

// Create adds the rule, or replaces one a lost reply left behind, and sets
// the external name to the hostname.
func (e *external) Create(ctx context.Context, cr *v1alpha1.TunnelRoute) (managed.ExternalCreation, error) {
	if meta.GetExternalName(cr) == "" {
		meta.SetExternalName(cr, cr.Spec.ForProvider.Hostname)
	}
	return managed.ExternalCreation{}, e.upsert(ctx, cr)
}

// Update puts the desired rule in place of the tunnel's rule for the
// hostname.
func (e *external) Update(ctx context.Context, cr *v1alpha1.TunnelRoute) (managed.ExternalUpdate, error) {
	return managed.ExternalUpdate{}, e.upsert(ctx, cr)
}

// Delete removes the rule for the hostname. A rule or tunnel already gone is
// not an error.
func (e *external) Delete(ctx context.Context, cr *v1alpha1.TunnelRoute) (managed.ExternalDelete, error) {
	p := cr.Spec.ForProvider
	hostname, err := hostnameOf(cr)
	if err != nil {
		return managed.ExternalDelete{}, err
	}
	_, err = e.tunnels.UpdateTunnelIngress(ctx, p.TunnelID, func(rules []cloudflare.IngressRule) []cloudflare.IngressRule {
		return cloudflare.RemoveIngressRule(rules, hostname, "")
	})
	if cloudflare.IsNotFound(err) {
		return managed.ExternalDelete{}, nil
	}
	return managed.ExternalDelete{}, tunnelError(err, p.TunnelID, "update")
}

func (e *external) upsert(ctx context.Context, cr *v1alpha1.TunnelRoute) error {
	p := cr.Spec.ForProvider
	if _, err := hostnameOf(cr); err != nil {
		return err
	}
	want := ingressRule(p)
	_, err := e.tunnels.UpdateTunnelIngress(ctx, p.TunnelID, func(rules []cloudflare.IngressRule) []cloudflare.IngressRule {
		return cloudflare.UpsertIngressRule(rules, want)
	})
	return tunnelError(err, p.TunnelID, "update")
}

// hostnameOf returns the hostname of the rule the TunnelRoute owns. The
// external name records it; a TunnelRoute cannot move its rule to another
// hostname, since the old rule would be left behind.
func hostnameOf(cr *v1alpha1.TunnelRoute) (string, error) {
	h := cr.Spec.ForProvider.Hostname
	if en := meta.GetExternalName(cr); en != "" && en != h {
		return "", errors.Errorf("cannot change the hostname of TunnelRoute %q from %q to %q: create a new TunnelRoute for the new hostname", cr.GetName(), en, h)
	}
	return h, nil
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
