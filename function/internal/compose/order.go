package compose

import (
	"github.com/crossplane/function-sdk-go/resource"
)

// WaitForPolicies removes the route's Access application from desired, and
// returns it as held back, until every policy it is to be created with
// exists: its allow policy when the route allows groups or emails, and the
// policy admitting its service token when the route attaches one. The
// application names them by ID, known only once they exist. Existing
// policies are attached by name and need no wait.
//
// Composed at once, the application would be created with no policies and
// then written whole again (a PUT) for each policy as its ID became known:
// up to three calls where one will do, against Cloudflare's limit of 1,200
// API calls per 5 minutes per user. Held back, Cloudflare sees one create
// that attaches them all.
//
// An application already observed stays composed, as in WaitForZone: the
// gate holds back what a route has not published yet and never tears down
// what it has. A policy the route gains later is attached by an update.
func WaitForPolicies(desired map[resource.Name]*resource.DesiredComposed, observed map[resource.Name]resource.ObservedComposed, in Inputs) map[resource.Name]*resource.DesiredComposed {
	own := needsPolicy(in.Settings.Access) && in.PolicyID == ""
	token := attachesToken(in.Settings) && in.TokenPolicyID == ""
	if !own && !token {
		return nil
	}
	return holdBack(desired, observed, NameAccessApp)
}

// WaitForAccess removes the route's tunnel rule from desired, and returns it
// as held back, while the route has Access and its Access application is
// not observed Ready. The tunnel rule is what routes the hostname to the
// origin; composed alongside the application, it would let anyone reach the
// origin until Cloudflare Access protected it, and for good if the
// application could not be created (a foreign application on the domain,
// a token without Access permissions). The DNS record is not held: the zone
// gate depends on it, and through the tunnel without a rule for the
// hostname it reaches only the tunnel's catch-all.
//
// A tunnel rule already observed stays composed, as in WaitForZone, so that
// turning Access on for a published route, or its application becoming
// unready, never unpublishes it.
func WaitForAccess(desired map[resource.Name]*resource.DesiredComposed, observed map[resource.Name]resource.ObservedComposed, in Inputs) map[resource.Name]*resource.DesiredComposed {
	if !in.Settings.Access.Enabled || isReady(observed, NameAccessApp) {
		return nil
	}
	return holdBack(desired, observed, NameTunnelRoute)
}

// holdBack removes name from desired unless it is observed, and returns
// what it removed. An observed resource missing from desired would be
// deleted by Crossplane.
func holdBack(desired map[resource.Name]*resource.DesiredComposed, observed map[resource.Name]resource.ObservedComposed, name resource.Name) map[resource.Name]*resource.DesiredComposed {
	d, ok := desired[name]
	if !ok {
		return nil
	}
	if o, ok := observed[name]; ok && o.Resource != nil {
		return nil
	}
	delete(desired, name)
	return map[resource.Name]*resource.DesiredComposed{name: d}
}
