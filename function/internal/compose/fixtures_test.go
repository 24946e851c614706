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
