package compose

import (
	"testing"

	"google.golang.org/protobuf/types/known/structpb"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/cfzt/cfzt/function/internal/merge"
)

// Fixtures shared by this package's tests.

const testTunnelID = "6ff42ae2-765d-4adf-8112-31c55c1551ef"

var testRoute = merge.Route{Namespace: "web", Name: "app", Tenant: "home", Hostname: "app.example.com"}

const labelsJSON = `{
	"app.kubernetes.io/managed-by": "cfzt-operator",
	"cfzt.cloudflare.com/httproute-name": "app",
	"cfzt.cloudflare.com/httproute-namespace": "web",
	"cfzt.cloudflare.com/tenant": "home"
}`

func testSettings(mutate ...func(*merge.Settings)) merge.Settings {
	s := merge.Defaults()
	s.Hostname = testRoute.Hostname
	s.Tenant = testRoute.Tenant
	s.TunnelID = testTunnelID
	s.Origin.URL = "http://app.web.svc.cluster.local:8080"
	s.Origin.OriginServerName = testRoute.Hostname
	for _, fn := range mutate {
		fn(&s)
	}
	return s
}

func testInputs(mutate ...func(*merge.Settings)) Inputs {
	return Inputs{Route: testRoute, Settings: testSettings(mutate...), TenantNamespace: "cloudflare-zero-trust"}
}

// tokenID and tokenPolicyID are the Cloudflare IDs of the route's observed
// service token and token policy.
const (
	tokenID       = "9e8d7c6b-5a4f-4e3d-8c2b-0fc2f1a01975"
	tokenPolicyID = "3f1e2d4c-6b5a-4978-8a1b-2c3d4e5f6a7b"
)

// accessAndToken enables Access and the service token, attach being on by
// default.
func accessAndToken(s *merge.Settings) {
	s.Access.Enabled = true
	s.ServiceToken.Enabled = true
}

// withTokenID returns the inputs of a route whose service token exists.
func withTokenID(id string, mutate ...func(*merge.Settings)) Inputs {
	in := testInputs(mutate...)
	in.ServiceTokenID = id
	return in
}

// asStruct returns a composed object as Crossplane receives it.
func asStruct(t *testing.T, u *composed.Unstructured) *structpb.Struct {
	t.Helper()
	if u == nil {
		return nil
	}
	s, err := resource.AsStruct(u)
	if err != nil {
		t.Fatalf("cannot convert %s to a protobuf Struct: %v", u.GetKind(), err)
	}
	return s
}
